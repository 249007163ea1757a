/*
 * safedir.c -- directories for the file sinks, walked one component at
 * a time so that no link another user controls is followed (safedir.h).
 *
 * Each component is looked at with fstatat(AT_SYMLINK_NOFOLLOW) and
 * opened with O_NOFOLLOW relative to its parent's descriptor, so a name
 * swapped for a link in between makes the open fail instead of being
 * followed.  A trusted link is not handed to the kernel either: its
 * target is read and walked the same way, so a link inside the target's
 * path is judged on its own.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "safedir.h"
#include "xmalloc.h"

/* Can no one but root and us have put this link there, or replace it? */
static int
link_trusted(int dirfd, const struct stat *lsb)
{
	struct stat	dsb;
	uid_t		me = geteuid();

	if (fstat(dirfd, &dsb) == -1 || (dsb.st_uid != 0 && dsb.st_uid != me))
		return (0);
	if ((dsb.st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return (1);
	/* In a sticky directory only the link's owner may replace it. */
	return ((dsb.st_mode & S_ISVTX) != 0 &&
	    (lsb->st_uid == 0 || lsb->st_uid == me));
}

static char *
join(const char *dir, const char *name)
{
	char	*s;

	if (dir == NULL)
		return (xstrdup(name));
	xasprintf(&s, "%s/%s", dir, name);
	return (s);
}

int
safedir_openat(int dirfd, const char *shown, const char *path, int mode,
    char **cause)
{
	struct stat	 sb;
	char		 target[PATH_MAX];
	char		*rest, *p, *name, *slash, *walked, *full = NULL, *next;
	int		 fd, nfd, links = 0;
	ssize_t		 n;

	rest = xstrdup(path);
	if (path[0] == '/') {
		walked = xstrdup("");
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		walked = shown != NULL ? xstrdup(shown) : NULL;
		fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd == -1) {
		xasprintf(cause, "%s: %s", shown != NULL ? shown : path,
		    strerror(errno));
		goto fail;
	}
	for (p = rest;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		name = p;
		if ((slash = strchr(p, '/')) != NULL) {
			*slash = '\0';
			p = slash + 1;
		} else
			p += strlen(p);
		if (strcmp(name, ".") == 0)
			continue;
		free(full);
		full = join(walked, name);
		n = fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW);
		if (n == -1 && errno == ENOENT && mode != 0) {
			if (mkdirat(fd, name, mode) == -1 && errno != EEXIST) {
				xasprintf(cause, "%s: %s", full,
				    strerror(errno));
				goto fail;
			}
			n = fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW);
		}
		if (n == -1) {
			xasprintf(cause, "%s: %s", full, strerror(errno));
			goto fail;
		}
		if (S_ISLNK(sb.st_mode)) {
			if (!link_trusted(fd, &sb)) {
				xasprintf(cause, "%s: is a symbolic link that "
				    "another user may have made; pullmail does "
				    "not follow such links (give the real "
				    "path)", full);
				goto fail;
			}
			n = readlinkat(fd, name, target, sizeof(target));
			if (n == -1 || n == sizeof(target) ||
			    ++links > PM_SAFEDIR_LINKS) {
				xasprintf(cause, "%s: %s", full, strerror(n ==
				    -1 ? errno : n == sizeof(target) ?
				    ENAMETOOLONG : ELOOP));
				goto fail;
			}
			target[n] = '\0';
			/* Walk the target, then what followed the link. */
			xasprintf(&next, "%s/%s", target, p);
			free(rest);
			rest = p = next;
			if (target[0] == '/') {
				close(fd);
				free(walked);
				walked = xstrdup("");
				if ((fd = open("/", O_PATH | O_DIRECTORY |
				    O_CLOEXEC)) == -1) {
					xasprintf(cause, "/: %s",
					    strerror(errno));
					goto fail;
				}
			}
			continue;
		}
		nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd == -1) {
			xasprintf(cause, "%s: %s", full, errno == ELOOP ?
			    "is a symbolic link" : strerror(errno));
			goto fail;
		}
		close(fd);
		fd = nfd;
		free(walked);
		walked = full;
		full = NULL;
	}
	/* Readable, for fsync; O_PATH still serves the *at calls. */
	if ((nfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		close(fd);
		fd = nfd;
	} else if (errno != EACCES) {
		xasprintf(cause, "%s: %s", walked != NULL && *walked != '\0' ?
		    walked : path, strerror(errno));
		goto fail;
	}
	free(full);
	free(walked);
	free(rest);
	return (fd);

fail:
	if (fd != -1)
		close(fd);
	free(full);
	free(walked);
	free(rest);
	return (-1);
}
