/*
 * test_safedir.c -- walking a directory path for the file sinks: missing
 * directories are created, a link only we (or root) control is followed,
 * a link in a directory others may write is refused, also when it sits
 * inside the target of a followed link; loops and files on the way are
 * errors that name the component.
 *
 * A directory anyone may write (mode 0777, not sticky) stands for one
 * another user controls, so this runs as any user.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safedir.h"
#include "tap.h"

static char	base[256];

static char *
P(const char *rel)
{
	static char	buf[4][512];
	static int	i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, rel);
	return (buf[i]);
}

/* Open; 1 if the result is the directory at want, else 0 (cause kept). */
static int
opens_as(const char *path, int mode, const char *want, char **cause)
{
	struct stat	a, b;
	int		fd;

	*cause = NULL;
	if ((fd = safedir_openat(AT_FDCWD, NULL, path, mode, cause)) == -1)
		return (0);
	if (fstat(fd, &a) != 0 || stat(want, &b) != 0) {
		close(fd);
		return (0);
	}
	close(fd);
	return (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

static int
says(const char *cause, const char *path, const char *why)
{
	char	want[1024];

	snprintf(want, sizeof(want), "%s: %s", path, why);
	if (cause != NULL && strncmp(cause, want, strlen(want)) == 0)
		return (1);
	printf("#   got: '%s'\n#  want: '%s...'\n", cause ? cause : "(null)",
	    want);
	return (0);
}

int
main(void)
{
	char	*cause = NULL;
	int	 fd;

	plan(22);
	snprintf(base, sizeof(base), "%s/test_safedir.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL || chmod(base, 0755) != 0) {
		perror(base);
		return (1);
	}

	/* Plain directories, created on the way. */
	ok(opens_as(P("a/b/c"), 0700, P("a/b/c"), &cause),
	    "missing directories are created");
	free(cause);
	{
		struct stat sb;

		ok(stat(P("a/b"), &sb) == 0 && (sb.st_mode & 07777) == 0700,
		    "with the mode asked for");
	}
	ok(!opens_as(P("x/y"), 0, P("x/y"), &cause) &&
	    says(cause, P("x"), "No such file or directory"),
	    "without a mode, a missing directory is an error naming it");
	free(cause);
	ok(opens_as(P("a/./b//c/"), 0, P("a/b/c"), &cause),
	    "\".\", doubled and trailing slashes");
	free(cause);
	ok(opens_as(P("a/b/../b/c"), 0, P("a/b/c"), &cause), "\"..\"");
	free(cause);

	/* A file on the way. */
	close(open(P("file"), O_WRONLY | O_CREAT, 0600));
	ok(!opens_as(P("file/d"), 0700, P("file"), &cause) &&
	    says(cause, P("file"), "Not a directory"),
	    "a file on the way: \"Not a directory\", naming it");
	free(cause);

	/* Links in a directory only we may write: followed. */
	mkdir(P("real"), 0700);
	symlink(P("real"), P("abs"));
	symlink("real", P("rel"));
	symlink("../real", P("a/up"));
	ok(opens_as(P("abs"), 0, P("real"), &cause),
	    "an absolute link in our own directory is followed");
	free(cause);
	ok(opens_as(P("rel"), 0, P("real"), &cause), "a relative one too");
	free(cause);
	ok(opens_as(P("a/up"), 0, P("real"), &cause), "one with \"..\" too");
	free(cause);
	ok(opens_as(P("abs/sub"), 0700, P("real/sub"), &cause),
	    "a directory created under a followed link lands in its target");
	free(cause);

	/* Links in a directory others may write: refused. */
	mkdir(P("open"), 0777);
	chmod(P("open"), 0777);
	symlink(P("real"), P("open/new"));
	ok(!opens_as(P("open/new"), 0, P("real"), &cause) &&
	    says(cause, P("open/new"), "is a symbolic link"),
	    "a link in a directory others may write is refused");
	free(cause);
	ok(!opens_as(P("open/new/sub2"), 0700, P("real"), &cause) &&
	    access(P("real/sub2"), F_OK) != 0,
	    "and nothing is created where it points");
	free(cause);
	/* Our own link, leading into that directory: judged on the way. */
	symlink(P("open/new"), P("via"));
	ok(!opens_as(P("via"), 0, P("real"), &cause) &&
	    says(cause, P("open/new"), "is a symbolic link"),
	    "a link inside a followed link's target is judged on its own");
	free(cause);

	/* Sticky, like /tmp: a link of our own (or root's) is followed. */
	mkdir(P("sticky"), 0777);
	chmod(P("sticky"), 01777);
	symlink(P("real"), P("sticky/mine"));
	ok(opens_as(P("sticky/mine"), 0, P("real"), &cause),
	    "in a sticky directory our own link is followed");
	free(cause);
	if (geteuid() == 0) {
		/* nobody's link in root's sticky directory: refused. */
		lchown(P("sticky/mine"), 65534, 65534);
		ok(!opens_as(P("sticky/mine"), 0, P("real"), &cause) &&
		    says(cause, P("sticky/mine"), "is a symbolic link"),
		    "another user's link in a sticky directory is refused");
		free(cause);
		/* A link nobody owns in nobody's directory: refused. */
		mkdir(P("home"), 0755);
		symlink(P("real"), P("home/Maildir"));
		lchown(P("home/Maildir"), 65534, 65534);
		chown(P("home"), 65534, 65534);
		ok(!opens_as(P("home/Maildir"), 0, P("real"), &cause) &&
		    says(cause, P("home/Maildir"), "is a symbolic link"),
		    "as root, a link in another user's directory is refused");
		free(cause);
		/* root's link in root's directory: followed. */
		ok(opens_as(P("abs"), 0, P("real"), &cause),
		    "as root, root's link in root's directory is followed");
		free(cause);
	} else {
		ok(1, "(not root: another user's link in a sticky directory)");
		ok(1, "(not root: a link in another user's directory)");
		ok(1, "(not root: root's link in root's directory)");
	}

	/* Loops. */
	symlink("loop", P("loop"));
	ok(!opens_as(P("loop"), 0, P("real"), &cause) &&
	    says(cause, P("loop"), "Too many levels of symbolic links"),
	    "a link loop is an error, not a hang");
	free(cause);

	/* Relative to a descriptor, with its name in messages. */
	cause = NULL;
	fd = safedir_openat(AT_FDCWD, NULL, P("open"), 0, &cause);
	ok(fd != -1, "the writable directory itself opens");
	free(cause);
	cause = NULL;
	ok(safedir_openat(fd, "MD", "new", 0, &cause) == -1 &&
	    says(cause, "MD/new", "is a symbolic link"),
	    "relative to a descriptor: refused, named after the shown name");
	free(cause);
	cause = NULL;
	if (mkdir(P("open/tmp"), 0700) != 0)
		printf("# mkdir open/tmp failed\n");
	{
		int	sub;

		sub = safedir_openat(fd, "MD", "tmp", 0, &cause);
		ok(sub != -1, "relative to a descriptor: a real subdirectory");
		ok(sub != -1 && fsync(sub) == 0,
		    "the descriptor can be fsync'ed");
		if (sub != -1)
			close(sub);
	}
	close(fd);

	{
		char	cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", base);
	}
	return (done_testing());
}
