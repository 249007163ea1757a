/*
 * safedir.h -- open a directory for the file sinks without following a
 * symbolic link that another user could have planted.
 *
 * root delivers into directories its users own: a user who replaces
 * Maildir/new, or the directory that holds an mbox, by a link must not
 * steer root's writes elsewhere.  The path is walked one component at a
 * time with O_NOFOLLOW.  A symbolic link is followed (its target walked
 * the same way) only when no other user can have made it: the directory
 * that holds it belongs to root or to the effective user and no one else
 * may write to it, or it is sticky (/tmp) and the link itself belongs to
 * root or to the effective user.  So /var/mail -> spool/mail or a /home
 * set up by root keep working, while a link in a user's own directory
 * is refused when root delivers there.
 */

#ifndef PM_SAFEDIR_H
#define PM_SAFEDIR_H

/*
 * Open directory path, relative to dirfd (AT_FDCWD, or a descriptor from
 * here) when path is relative; shown names dirfd's directory in messages
 * (NULL for none).  Missing directories are created with mode when mode
 * is not 0.  Returns a descriptor (O_RDONLY | O_DIRECTORY, or O_PATH if
 * the directory may not be read) for the *at functions and fsync, or -1
 * with *cause set to "PATH: why" ("PATH: is a symbolic link ...").
 */
int	safedir_openat(int dirfd, const char *shown, const char *path,
	    int mode, char **cause);

#endif
