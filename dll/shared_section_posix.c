/*
 * SC_SHARED on Linux (shared_section.h). When the image that holds
 * this file loads, a constructor lays a POSIX shared-memory object over the
 * image's sc_shared section, one object per image file (device and inode)
 * and user, so that every process that loads the same file shares the
 * variables, as Windows shares a section flagged Shared.
 *
 * Two one-byte open-file-description locks on the object order the
 * processes. Byte 0 is held, exclusively, by whoever sets the object up or
 * takes it down. Byte 1 is held, shared, by every process that uses the
 * object: whoever gets it exclusively is alone, so it initializes the object
 * on load and removes the name on unload. The kernel drops a process's OFD
 * locks when it dies, kill -9 included, and no close() of another
 * descriptor in the process drops them, unlike classic fcntl locks.
 *
 * Anything that would leave the variables private stops the process with a
 * message on stderr: a counter that silently counts alone is worse than
 * none (docs/linux.md lists the cases).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Hidden, so that each image finds its own section and not another's. */
extern char __start_sc_shared[] __attribute__((visibility("hidden")));
extern char __stop_sc_shared[] __attribute__((visibility("hidden")));

/* The object, and for a moment a second descriptor: the check that its
 * name still leads to it, or the process table reading /proc. */
enum {
    INIT_BYTE = 0,
    USERS_BYTE = 1,
    OPEN_ATTEMPTS = 100,
    LOAD_DESCRIPTORS = 2
};

static int object_fd = -1;
static char object_name[96];
static char image_path[PATH_MAX];

__attribute__((format(printf, 2, 3))) static _Noreturn void
fail(int err, const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: cannot share the variables of %s: ",
            program_invocation_short_name, image_path);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    if (err != 0)
        fprintf(stderr, ": %s", strerror(err));
    if (err == EMFILE)
        fprintf(stderr, " (it needs %d descriptors above 2 while it loads)",
                LOAD_DESCRIPTORS);
    fprintf(stderr,
            "\n%s: stopping rather than counting alone "
            "(docs/linux.md)\n",
            program_invocation_short_name);
    _exit(1);
}

/* Keeps the library's descriptors off 0, 1 and 2. open() returns the
 * lowest free number, so in a program started with stdout closed the
 * object would become its stdout and every printf would write into the
 * counter; with stdin closed, the program would read the counter as its
 * input. Returns the descriptor, moved above 2 and close-on-exec, or -1
 * with errno set; fd is closed whenever it had to move. */
static int fd_above_stdio(int fd)
{
    if (fd < 0 || fd > STDERR_FILENO)
        return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    /* F_DUPFD says EINVAL when RLIMIT_NOFILE is at most 3. */
    int err = moved < 0 && errno == EINVAL ? EMFILE : errno;
    close(fd);
    errno = err;
    return moved;
}

/* While the image opens a file, /dev/null stands in for any of 0, 1 and 2
 * that the program has closed, so that the file does not take one of them
 * even for the moment before fd_above_stdio moves it: a thread of the
 * program that writes to its closed stdout meanwhile writes into
 * /dev/null, not into the counter. Where /dev/null cannot be opened, the
 * moves alone keep the descriptors apart. The stand-ins are closed by
 * number: a thread that dup2()s onto one of those numbers in that moment
 * loses its new descriptor, as it would to any library that opens files. */
static void hold_stdio(bool held[3])
{
    for (int i = 0; i <= STDERR_FILENO; i++)
        held[i] = false;
    for (;;) {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return;
        if (fd > STDERR_FILENO) {
            close(fd);
            return;
        }
        held[fd] = true;
    }
}

static void release_stdio(const bool held[3])
{
    for (int i = 0; i <= STDERR_FILENO; i++)
        if (held[i])
            close(i);
}

static int shm_open_above_stdio(int flags, mode_t mode)
{
    bool held[3];

    hold_stdio(held);
    int fd = fd_above_stdio(shm_open(object_name, flags, mode));
    int err = errno;
    release_stdio(held);
    errno = err;
    return fd;
}

int sc__open_above_stdio(const char *path, int flags)
{
    bool held[3];

    hold_stdio(held);
    int fd = fd_above_stdio(open(path, flags | O_CLOEXEC));
    int err = errno;
    release_stdio(held);
    errno = err;
    return fd;
}

static int lock_byte(int fd, int command, short type, off_t byte)
{
    struct flock lock = {
        .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1};
    int result;

    while ((result = fcntl(fd, command, &lock)) < 0 && errno == EINTR)
        continue;
    return result < 0 ? errno : 0;
}

struct image_search {
    uintptr_t address;
    bool found;
};

/* The main program has an empty name: its file is /proc/self/exe. */
static int find_image(struct dl_phdr_info *info, size_t size, void *data)
{
    struct image_search *search = data;

    (void)size;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        if (segment->p_type != PT_LOAD || search->address < start ||
            search->address - start >= segment->p_memsz)
            continue;
        search->found = true;
        if (info->dlpi_name[0] != '\0')
            snprintf(image_path, sizeof image_path, "%s", info->dlpi_name);
        else if (readlink("/proc/self/exe", image_path, sizeof image_path - 1) <
                 0)
            snprintf(image_path, sizeof image_path, "/proc/self/exe");
        return 1;
    }
    return 0;
}

/* Names the object after the file this image was loaded from. */
static void name_object(void)
{
    struct image_search search = {(uintptr_t)__start_sc_shared, false};
    struct stat file;

    snprintf(image_path, sizeof image_path, "this program");
    dl_iterate_phdr(find_image, &search);
    if (!search.found)
        fail(0, "no loaded image holds its section");
    if (stat(image_path, &file) != 0)
        fail(errno, "stat");
    snprintf(object_name, sizeof object_name, "/sharedcounter-%jx-%jx-%ju",
             (uintmax_t)file.st_dev, (uintmax_t)file.st_ino,
             (uintmax_t)geteuid());
}

/* Creates the object or opens the one there. A new object gets mode 0600
 * whatever the umask. */
static int open_object(void)
{
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        int fd = shm_open_above_stdio(O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            if (fchmod(fd, 0600) != 0)
                fail(errno, "chmod /dev/shm%s", object_name);
            return fd;
        }
        if (errno == ENOENT)
            fail(errno, "cannot create /dev/shm%s (is /dev/shm mounted?)",
                 object_name);
        if (errno != EEXIST)
            fail(errno, "cannot create /dev/shm%s", object_name);
        fd = shm_open_above_stdio(O_RDWR, 0);
        if (fd >= 0)
            return fd;
        if (errno != ENOENT)
            fail(errno, "cannot open /dev/shm%s", object_name);
    }
    fail(0, "/dev/shm%s keeps appearing and vanishing", object_name);
}

/* Whether the name still leads to the object open at fd: another process
 * may have removed it or put a new one in its place meanwhile. Returns 1,
 * 0, or -1 with errno set. */
static int still_named(int fd)
{
    struct stat held, named;
    int other = shm_open_above_stdio(O_RDONLY, 0);

    if (other < 0)
        return errno == ENOENT ? 0 : -1;
    int ok = fstat(fd, &held) == 0 && fstat(other, &named) == 0;
    int err = errno;
    close(other);
    errno = err;
    if (!ok)
        return -1;
    return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

/* An object another user made, or one with a looser mode, is not ours to
 * trust or to share through. */
static void check_owner(int fd)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        fail(errno, "stat /dev/shm%s", object_name);
    if (st.st_uid != geteuid())
        fail(0, "/dev/shm%s belongs to uid %ju, not to this user (uid %ju)",
             object_name, (uintmax_t)st.st_uid, (uintmax_t)geteuid());
    if ((st.st_mode & 07777) != 0600)
        fail(0, "/dev/shm%s has mode %04o, not 0600", object_name,
             (unsigned)(st.st_mode & 07777));
}

/* The first user: the object gets the section's initial contents, with
 * every page reserved now, so that a full /dev/shm shows here and not as a
 * SIGBUS on some later write. */
static void initialize(int fd, const char *start, size_t size)
{
    if (ftruncate(fd, 0) != 0 || ftruncate(fd, (off_t)size) != 0)
        fail(errno, "cannot size /dev/shm%s", object_name);
    int err = posix_fallocate(fd, 0, (off_t)size);
    if (err != 0)
        fail(err, "cannot fill /dev/shm%s", object_name);
    for (size_t done = 0; done < size;) {
        ssize_t wrote = pwrite(fd, start + done, size - done, (off_t)done);
        if (wrote < 0 && errno != EINTR)
            fail(errno, "cannot write /dev/shm%s", object_name);
        done += wrote > 0 ? (size_t)wrote : 0;
    }
}

/* Becomes a user of the object: the first one initializes it. */
static void join(int fd, const char *start, size_t size)
{
    int err = lock_byte(fd, F_OFD_SETLK, F_WRLCK, USERS_BYTE);
    struct stat st;

    if (err == 0) {
        initialize(fd, start, size);
    } else if (err != EAGAIN && err != EACCES) {
        fail(err, "cannot lock /dev/shm%s", object_name);
    } else if (fstat(fd, &st) != 0 || (size_t)st.st_size != size) {
        fail(0, "/dev/shm%s has %jd bytes, not the section's %zu", object_name,
             (intmax_t)st.st_size, size);
    }
    err = lock_byte(fd, F_OFD_SETLK, F_RDLCK, USERS_BYTE);
    if (err != 0)
        fail(err, "cannot lock /dev/shm%s", object_name);
}

/* A fork child is a user of its own: with a new open file description,
 * the parent's unload no longer takes the child for itself. */
static void rejoin_in_child(void)
{
    char path[64];

    if (object_fd < 0)
        return;
    snprintf(path, sizeof path, "/proc/self/fd/%d", object_fd);
    int fd = sc__open_above_stdio(path, O_RDWR);
    if (fd < 0)
        fail(errno, "cannot reopen /dev/shm%s after fork", object_name);
    int err = lock_byte(fd, F_OFD_SETLK, F_RDLCK, USERS_BYTE);
    if (err != 0)
        fail(err, "cannot lock /dev/shm%s after fork", object_name);
    if (dup3(fd, object_fd, O_CLOEXEC) < 0)
        fail(errno, "dup3");
    close(fd);
}

/* Before every other constructor of the image, which may use the
 * variables already. */
__attribute__((constructor(101))) static void attach(void)
{
    char *start = __start_sc_shared;
    size_t size = (size_t)(__stop_sc_shared - __start_sc_shared);
    long page = sysconf(_SC_PAGESIZE);

    name_object();
    if (page <= 0 || (uintptr_t)start % (uintptr_t)page != 0 ||
        size % (size_t)page != 0)
        fail(0,
             "section sc_shared is not in whole pages of %ld bytes "
             "(link with dll/sc_shared.ld)",
             page);
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        int fd = open_object();
        int err = lock_byte(fd, F_OFD_SETLKW, F_WRLCK, INIT_BYTE);
        if (err != 0)
            fail(err, "cannot lock /dev/shm%s", object_name);
        int named = still_named(fd);
        if (named < 0)
            fail(errno, "cannot check /dev/shm%s", object_name);
        if (named == 0) {
            close(fd);
            continue;
        }
        check_owner(fd);
        join(fd, start, size);
        if (mmap(start, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                 fd, 0) == MAP_FAILED)
            fail(errno, "cannot map /dev/shm%s", object_name);
        lock_byte(fd, F_OFD_SETLK, F_UNLCK, INIT_BYTE);
        object_fd = fd;
        pthread_atfork(NULL, NULL, rejoin_in_child);
        return;
    }
    fail(0, "/dev/shm%s keeps being replaced", object_name);
}

/* The last user removes the name, so that nothing stays in /dev/shm and the
 * next process starts from the initial values. The mapping stays until the
 * image is unmapped: code that runs later in exit() may still use it. */
__attribute__((destructor(101))) static void detach(void)
{
    if (object_fd < 0)
        return;
    if (lock_byte(object_fd, F_OFD_SETLKW, F_WRLCK, INIT_BYTE) == 0 &&
        lock_byte(object_fd, F_OFD_SETLK, F_WRLCK, USERS_BYTE) == 0 &&
        still_named(object_fd) == 1)
        shm_unlink(object_name);
    close(object_fd);
    object_fd = -1;
}
