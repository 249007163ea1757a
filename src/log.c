/*
 * log.c -- one place that decides what reaches the user, and where.
 *
 * On stderr every line is prefixed "pullmail: " so that cron mail and
 * shared terminals say who spoke; a log file gets a time stamp and the
 * PID instead, syslog its own.  When stderr is the stream systemd's
 * journal reads, each line also starts with its syslog priority ("<4>",
 * sd-daemon(3)) so that "journalctl -p warning" can tell the levels apart.
 * Callers put the account (user@server) in the text.  A line is formatted whole and written once: workers share
 * the same descriptor, and O_APPEND keeps their lines apart.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "xmalloc.h"

static int	 log_verbose;
static int	 log_silent;
static int	 log_fd = STDERR_FILENO;
static char	*log_path;		/* the log file, to reopen */
static int	 log_syslog;
static int	 log_progressing;	/* a progress line is showing */
static int	 log_journal = -1;	/* stderr is the journal's stream */

/*
 * Is fd the stream the journal reads?  systemd puts the device and inode
 * numbers of the stdout/stderr it connected to the journal in
 * JOURNAL_STREAM, as "DEV:INODE" in decimal (systemd.exec(5)); a
 * descriptor that only inherited the variable (stderr sent to a file or
 * a terminal by a script the service runs) does not match them.  The
 * variable stays in the environment: an MDA writing to the same stderr
 * may use it the same way.
 */
static int
journal_stream(int fd)
{
	const char		*env = getenv("JOURNAL_STREAM");
	struct stat		 sb;
	unsigned long long	 dev, ino;
	char			*end;

	if (env == NULL || *env < '0' || *env > '9')
		return (0);
	errno = 0;
	dev = strtoull(env, &end, 10);
	if (errno != 0 || *end != ':' || end[1] < '0' || end[1] > '9')
		return (0);
	ino = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return (0);
	if (fstat(fd, &sb) == -1)
		return (0);
	return ((unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino);
}

/* Looked at once, before the first line (cmdline errors included). */
static int
on_journal(void)
{
	int	saved = errno;

	if (log_journal == -1)
		log_journal = journal_stream(STDERR_FILENO);
	errno = saved;
	return (log_journal);
}

void
log_init(int verbose, int silent)
{
	log_verbose = verbose;
	log_silent = silent;
}

int
log_verbosity(void)
{
	return (log_verbose);
}

/*
 * Open the log file, or say why not (on the current target) and return
 * -1.  O_NONBLOCK so that a FIFO planted under the name cannot hang us,
 * O_NOFOLLOW for a symbolic link; then only a regular file of our own
 * will do: a daemon's log in a directory others can write (/tmp) must not
 * land in a file another user made and reads.
 */
static int
log_open_file(const char *path)
{
	struct stat	sb;
	const char	*why = NULL;
	int		fd, flags;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd == -1) {
		if (errno == ELOOP)
			why = "is a symbolic link";
		else if (errno == ENXIO && lstat(path, &sb) == 0 &&
		    !S_ISREG(sb.st_mode))
			why = S_ISFIFO(sb.st_mode) ? "is a FIFO" :
			    "is a special file";
		if (why == NULL) {
			log_warn("log file %s", path);
			return (-1);
		}
	} else if (fstat(fd, &sb) == -1) {
		log_warn("log file %s", path);
		close(fd);
		return (-1);
	} else if (!S_ISREG(sb.st_mode))
		why = S_ISFIFO(sb.st_mode) ? "is a FIFO" : S_ISDIR(sb.st_mode) ?
		    "is a directory" : "is a special file";
	else if (sb.st_uid != geteuid() && sb.st_uid != 0)
		why = "belongs to another user";
	else if (sb.st_nlink != 1)
		/* A hard link another user made to a file of ours. */
		why = "has more than one name (a hard link)";
	if (why != NULL) {
		log_warnx("log file %s %s; it must be a regular file with one "
		    "name, owned by the user pullmail runs as (uid %ld) or "
		    "root", path, why, (long)geteuid());
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
		log_warn("log file %s", path);
		close(fd);
		return (-1);
	}
	return (fd);
}

int
log_target(const char *logfile, int use_syslog)
{
	int	fd;

	if (logfile != NULL) {
		if ((fd = log_open_file(logfile)) == -1)
			return (-1);
		if (log_fd != STDERR_FILENO)
			close(log_fd);
		log_fd = fd;
		free(log_path);
		log_path = xstrdup(logfile);
		log_syslog = 0;
		return (0);
	}
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = STDERR_FILENO;
	free(log_path);
	log_path = NULL;
	if (use_syslog && !log_syslog)
		openlog("pullmail", LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_syslog = use_syslog;
	return (0);
}

int
log_reopen(void)
{
	int	fd;

	if (log_path == NULL)
		return (0);
	if ((fd = log_open_file(log_path)) == -1) {
		log_warnx("log file %s not reopened; still logging to the "
		    "file opened before", log_path);
		return (-1);
	}
	close(log_fd);
	log_fd = fd;
	return (0);
}

int
log_on_terminal(void)
{
	return (log_path == NULL && !log_syslog && !on_journal() &&
	    isatty(log_fd));
}

static void
log_write(const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(log_fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;		/* nowhere left to say so */
		}
		p += n;
		len -= n;
	}
}

/*
 * The length of the well-formed UTF-8 character p starts (RFC 3629), or
 * 0: a stray byte, an overlong form, a surrogate, or a C1 control
 * (U+0080-U+009F, CSI among them).
 */
static size_t
utf8_len(const unsigned char *p)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		if (p[0] == 0xc2)
			lo = 0xa0;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	/* A NUL fails each test before the bytes after it are read. */
	if (p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return (0);
	}
	return (n);
}

/* log_visible(), with newlines kept or not. */
static size_t
visible(char *dst, size_t size, const char *src, int keep_newlines)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 len = 0, n;

	if (size == 0)
		return (0);
	for (; *p != '\0'; p += n) {
		n = 1;
		if (*p == '\n' && keep_newlines) {
			/*
			 * What follows is indented unless it already is, so
			 * no text after a newline can pass for a log line
			 * of its own.
			 */
			if (len + 3 >= size)
				break;
			dst[len++] = '\n';
			if (p[1] != ' ' && p[1] != '\t' && p[1] != '\0') {
				dst[len++] = ' ';
				dst[len++] = ' ';
			}
			continue;
		}
		if ((*p >= 0x20 && *p < 0x7f) ||
		    (*p >= 0x80 && (n = utf8_len(p)) > 0)) {
			if (len + n >= size)
				break;
			memcpy(dst + len, p, n);
			len += n;
			continue;
		}
		n = 1;
		if (len + 4 >= size)
			break;
		dst[len++] = '\\';
		dst[len++] = 'x';
		dst[len++] = hex[*p >> 4];
		dst[len++] = hex[*p & 0xf];
	}
	dst[len] = '\0';
	return (len);
}

size_t
log_visible(char *dst, size_t size, const char *src)
{
	return (visible(dst, size, src, 0));
}

/*
 * "<N>pullmail: PREFIX LINE\n" into out, with "<N>" after each newline
 * of line too: the journal takes every line as an entry of its own, and
 * one without a priority would be filed at "info".  Returns the length;
 * what does not fit is cut at a whole character.
 */
static size_t
journal_line(char *out, size_t size, int prio, const char *prefix,
    const char *line)
{
	char		 level[8];
	const char	*nl;
	size_t		 len, n, room, lvl;
	int		 k;

	k = snprintf(level, sizeof(level), "<%d>", prio);
	if (k < 0 || (size_t)k >= sizeof(level))
		return (0);
	lvl = k;
	k = snprintf(out, size, "%spullmail: %s", level, prefix);
	if (k < 0 || (size_t)k + 2 >= size)
		return (0);
	len = k;
	for (;;) {
		nl = strchr(line, '\n');
		n = nl != NULL ? (size_t)(nl - line) : strlen(line);
		room = size - len - 2;		/* the newline and the NUL */
		if (n > room) {
			n = room;
			/* Not in the middle of a UTF-8 character. */
			while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
				n--;
			nl = NULL;
		}
		memcpy(out + len, line, n);
		len += n;
		if (nl == NULL || size - len < lvl + 3)
			break;
		out[len++] = '\n';
		memcpy(out + len, level, lvl);
		len += lvl;
		line = nl + 1;
	}
	out[len++] = '\n';
	out[len] = '\0';
	return (len);
}

static void
log_vemit(int prio, const char *prefix, const char *fmt, va_list ap,
    int with_errno)
{
	char		 raw[PM_LOG_LINE_MAX], line[PM_LOG_LINE_MAX];
	char		 out[PM_LOG_LINE_MAX + 128], stamp[64];
	struct tm	 tm;
	time_t		 now;
	size_t		 len = 0;
	int		 saved = errno, n;

	n = vsnprintf(raw, sizeof(raw) - 2, fmt, ap);
	len = n < 0 ? 0 : (size_t)n >= sizeof(raw) - 2 ?
	    sizeof(raw) - 3 : (size_t)n;
	if (with_errno)
		len += snprintf(raw + len, sizeof(raw) - 2 - len, ": %s",
		    strerror(saved));
	if (len > sizeof(raw) - 3)
		len = sizeof(raw) - 3;
	raw[len] = '\0';
	/*
	 * Server text among it: nothing it holds reaches the output raw.  A
	 * newline (our own hints and certificate chains have them; decoded
	 * server text may too) starts an indented line with no prefix, so
	 * no text can pass for a line of its own.
	 */
	visible(line, sizeof(line), raw, 1);
	if (log_syslog) {
		syslog(prio, "%s%s", prefix, line);
		errno = saved;
		return;
	}
	if (log_progressing) {
		log_write("\r\033[K", 4);
		log_progressing = 0;
	}
	if (log_path != NULL) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		n = snprintf(out, sizeof(out), "%s pullmail[%ld]: %s%s\n",
		    stamp, (long)getpid(), prefix, line);
	} else if (on_journal())
		n = (int)journal_line(out, sizeof(out), prio, prefix, line);
	else
		n = snprintf(out, sizeof(out), "pullmail: %s%s\n", prefix,
		    line);
	if (n > 0)
		log_write(out, (size_t)n < sizeof(out) ? (size_t)n :
		    sizeof(out) - 1);
	errno = saved;
}

void
log_progress(const char *fmt, ...)
{
	char	line[256];
	va_list	ap;
	int	n;

	if (log_silent || !log_on_terminal())
		return;
	if (fmt == NULL) {
		if (log_progressing)
			log_write("\r\033[K", 4);
		log_progressing = 0;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(line + 1, sizeof(line) - 8, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 9)
		n = sizeof(line) - 9;
	line[0] = '\r';
	memcpy(line + 1 + n, "\033[K", 3);
	log_write(line, n + 4);
	log_progressing = 1;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_WARNING, "", fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_WARNING, "", fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_silent)
		return;
	va_start(ap, fmt);
	log_vemit(LOG_INFO, "", fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vemit(LOG_DEBUG, "", fmt, ap, 0);
	va_end(ap);
}

void
log_trace(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	log_vemit(LOG_DEBUG, "", fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_ERR, "fatal: ", fmt, ap, 1);
	va_end(ap);
	exit(23);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_ERR, "fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(23);
}
