/*
 * durable.h -- making files survive a power cut: directories created
 * private, data and directory entries fsync'ed, whole files replaced
 * atomically (write a temporary, fsync, rename, fsync the directory).
 */

#ifndef PM_DURABLE_H
#define PM_DURABLE_H

#include <stddef.h>

/* write(2) until all len bytes are out (EINTR retried).  0 or -1. */
int	durable_write_all(int fd, const void *data, size_t len);
/* mkdir -p with mode for every directory it creates.  0 or -1 (errno). */
int	durable_mkdirs(const char *path, int mode);
/* fsync the directory that holds path (or path itself if a directory). */
int	durable_sync_dir(const char *dir);
/*
 * Replace path with len bytes of data, of exactly mode: never a
 * half-written file under that name, whatever moment the machine stops.
 * 0, or -1 with *cause set.
 */
int	durable_replace(const char *path, const void *data, size_t len,
	    int mode, char **cause);

#endif
