/*
 * SC_SHARED on Linux (shared_section.h). When the image that holds
 * this file loads, a constructor lays a POSIX shared-memory object over the
 * image's sc_shared section, one object per image file (device and inode)
 * and user, so that every process that loads the same file shares the
 * variables, as Windows shares a section flagged Shared.
 *
 * /dev/shm is open to every user, so another user may hold the object's
 * name first. The names are tried in an order every process agrees on,
 * and a name another user holds is stepped past: the object is the first
 * of them that is this user's, or, when none is, the first that is free.
 *
 * Two one-byte open-file-description locks on the object order the
 * processes. Byte 0 is held, exclusively, by whoever sets the object up or
 * takes it down. Byte 1 is held, shared, by every process that uses the
 * object: whoever gets it exclusively is alone, so it initializes the object
 * on load and removes the name on unload. The kernel drops a process's OFD
 * locks when it dies, kill -9 included, and no close() of another
 * descriptor in the process drops them, unlike classic fcntl locks. But a
 * description lives as long as anything refers to it, a fork child's
 * inherited mapping included: so each process refers to its own alone, and
 * lets go of its locks itself when it unloads.
 *
 * Anything that would leave the variables private stops the process with a
 * message on stderr and in the system log: a counter that silently counts
 * alone is worse than none (docs/linux.md lists the cases).
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
#include <syslog.h>
#include <unistd.h>

/* Hidden, so that each image finds its own section and not another's. */
extern char __start_sc_shared[] __attribute__((visibility("hidden")));
extern char __stop_sc_shared[] __attribute__((visibility("hidden")));

/* LOAD_DESCRIPTORS: the object, and for a moment a second descriptor: the
 * check that its name still leads to it, or the process table reading
 * /proc. NAMES: how many names of an object are tried before the process
 * gives up on other users' squatters. */
enum {
    INIT_BYTE = 0,
    USERS_BYTE = 1,
    OPEN_ATTEMPTS = 100,
    LOAD_DESCRIPTORS = 2,
    NAMES = 64
};

static int object_fd = -1;
static char object_name[96];
static char image_path[PATH_MAX];
/* The image file's device and inode, which name its objects. */
static struct stat image_file;

/* The message goes to stderr and to the system log: a daemon's stderr is
 * often closed or /dev/null, and the process must not end without a word
 * anywhere. */
__attribute__((format(printf, 2, 3))) static _Noreturn void
fail(int err, const char *format, ...)
{
    char why[PATH_MAX + 512];
    va_list args;

    va_start(args, format);
    int used = vsnprintf(why, sizeof why, format, args);
    va_end(args);
    size_t at = used < 0                    ? 0
                : (size_t)used < sizeof why ? (size_t)used
                                            : sizeof why - 1;
    if (err != 0)
        at +=
            (size_t)snprintf(why + at, sizeof why - at, ": %s", strerror(err));
    if (err == EMFILE && at < sizeof why)
        snprintf(why + at, sizeof why - at,
                 " (it needs %d descriptors above 2 while it loads)",
                 LOAD_DESCRIPTORS);
    fprintf(stderr,
            "%s: cannot share the variables of %s: %s\n"
            "%s: stopping rather than counting alone (docs/linux.md)\n",
            program_invocation_short_name, image_path, why,
            program_invocation_short_name);
    syslog(LOG_USER | LOG_ERR,
           "cannot share the variables of %s: %s; stopping rather than "
           "counting alone",
           image_path, why);
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

/* The main program's file, through /proc/self/exe: readlink does not end
 * the text, and a failure leaves the name /proc gave. */
static void read_own_path(void)
{
    ssize_t got = readlink("/proc/self/exe", image_path, sizeof image_path - 1);

    if (got < 0)
        snprintf(image_path, sizeof image_path, "/proc/self/exe");
    else
        image_path[got] = '\0';
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
        else
            read_own_path();
        return 1;
    }
    return 0;
}

/* Finds the file this image was loaded from. */
static void find_image_file(void)
{
    struct image_search search = {(uintptr_t)__start_sc_shared, false};

    snprintf(image_path, sizeof image_path, "this program");
    dl_iterate_phdr(find_image, &search);
    if (!search.found)
        fail(0, "no loaded image holds its section");
    if (stat(image_path, &image_file) != 0)
        fail(errno, "stat");
}

/* The object's name number index (0, 1, 2...) for the image file and this
 * user: the first is /sharedcounter-<device>-<inode>-<uid>, the others add
 * .<index>. */
static void name_object(int index)
{
    int used =
        snprintf(object_name, sizeof object_name, "/sharedcounter-%jx-%jx-%ju",
                 (uintmax_t)image_file.st_dev, (uintmax_t)image_file.st_ino,
                 (uintmax_t)geteuid());
    if (index > 0)
        snprintf(object_name + used, sizeof object_name - (size_t)used, ".%d",
                 index);
}

/* Whether fd is a file of this user's: only this user (or root) can make
 * one, so no other user can have put it in the way. */
static bool is_own(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid();
}

/* Opens name number index if it is this user's object. Returns the
 * descriptor; or -1 with errno ENOENT (free), or EEXIST (another user's, or
 * not a file: stepped past), or another errno. */
static int open_own(int index)
{
    name_object(index);
    int fd = shm_open_above_stdio(O_RDWR, 0);
    if (fd < 0) {
        /* A name this user may not open, or not as a file (a directory, a
         * symbolic link, which shm_open does not follow), is another's. */
        if (errno == EACCES || errno == EISDIR || errno == ELOOP ||
            errno == ENXIO)
            errno = EEXIST;
        return -1;
    }
    if (is_own(fd))
        return fd;
    close(fd);
    errno = EEXIST;
    return -1;
}

/* The first of the names that is this user's object; if none is, a new
 * object under the first that is free. Every name is looked at before one
 * is created, so that a process whose predecessors stepped past a squatter
 * that has gone since still finds them. A new object gets mode 0600
 * whatever the umask. */
static int open_object(void)
{
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        int free_index = -1;
        for (int index = 0; index < NAMES; index++) {
            int fd = open_own(index);
            if (fd >= 0)
                return fd;
            if (errno == ENOENT && free_index < 0)
                free_index = index;
            else if (errno != ENOENT && errno != EEXIST)
                fail(errno, "cannot open /dev/shm%s", object_name);
        }
        if (free_index < 0)
            fail(0,
                 "all %d names /dev/shm/sharedcounter-%jx-%jx-%ju[.N] are "
                 "held by other users",
                 NAMES, (uintmax_t)image_file.st_dev,
                 (uintmax_t)image_file.st_ino, (uintmax_t)geteuid());
        name_object(free_index);
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

/* This user's object with a looser mode than it was made with may have
 * been opened by others meanwhile: it is not ours to trust. */
static void check_mode(int fd)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        fail(errno, "stat /dev/shm%s", object_name);
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

/* The section's pages. */
static char *section_start(void)
{
    return __start_sc_shared;
}

static size_t section_size(void)
{
    return (size_t)(__stop_sc_shared - __start_sc_shared);
}

/* ---- fork ---------------------------------------------------------------- */

/* A fork child is a user in its own right, with an open file description
 * of its own behind both its descriptor and its mapping. Were it to refer
 * to the parent's, that description, and the parent's locks on it, would
 * live as long as the child: a parent that exits while its child lives
 * would leave byte 0 taken for ever, and every new process would wait for
 * it. The child's description is opened, and already a user, before the
 * fork: so a parent that unloads at once cannot take itself for the last
 * user and remove the name from under its child. fork_lock keeps two
 * threads that fork at once from sharing fork_fd. */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static int fork_fd = -1;
static int fork_err;

/* A second description of the object at object_fd, through its name, which
 * leads to it while this process is a user: nobody can remove the name
 * while this process holds byte 1. /proc may not be mounted. */
static int open_again(void)
{
    struct stat held, opened;
    int fd = shm_open_above_stdio(O_RDWR, 0);

    if (fd < 0)
        return -1;
    if (fstat(object_fd, &held) != 0 || fstat(fd, &opened) != 0 ||
        held.st_dev != opened.st_dev || held.st_ino != opened.st_ino) {
        close(fd);
        errno = ESTALE;
        return -1;
    }
    int err = lock_byte(fd, F_OFD_SETLK, F_RDLCK, USERS_BYTE);
    if (err != 0) {
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

static void before_fork(void)
{
    pthread_mutex_lock(&fork_lock);
    fork_fd = object_fd < 0 ? -1 : open_again();
    fork_err = errno;
}

/* The child's copy of the descriptor keeps its description open. */
static void parent_after_fork(void)
{
    if (fork_fd >= 0)
        close(fork_fd);
    fork_fd = -1;
    pthread_mutex_unlock(&fork_lock);
}

/* The new mapping replaces the inherited one in one step: the same object,
 * so the same bytes, now through the child's own description. Only this
 * thread runs in the child. */
static void child_after_fork(void)
{
    int fd = fork_fd;

    fork_fd = -1;
    pthread_mutex_init(&fork_lock, NULL);
    if (object_fd < 0)
        return;
    if (fd < 0)
        fail(fork_err, "cannot open /dev/shm%s for a fork child", object_name);
    if (mmap(section_start(), section_size(), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
        fail(errno, "cannot map /dev/shm%s in a fork child", object_name);
    if (dup3(fd, object_fd, O_CLOEXEC) < 0)
        fail(errno, "dup3");
    close(fd);
}

/* ---- load and unload ----------------------------------------------------- */

/* Before every other constructor of the image, which may use the
 * variables already. */
__attribute__((constructor(101))) static void attach(void)
{
    char *start = section_start();
    size_t size = section_size();
    long page = sysconf(_SC_PAGESIZE);

    find_image_file();
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
        check_mode(fd);
        join(fd, start, size);
        if (mmap(start, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                 fd, 0) == MAP_FAILED)
            fail(errno, "cannot map /dev/shm%s", object_name);
        lock_byte(fd, F_OFD_SETLK, F_UNLCK, INIT_BYTE);
        object_fd = fd;
        pthread_atfork(before_fork, parent_after_fork, child_after_fork);
        return;
    }
    fail(0, "/dev/shm%s keeps being replaced", object_name);
}

/* The last user removes the name, so that nothing stays in /dev/shm and the
 * next process starts from the initial values. Both bytes are let go of
 * here and not left to close(): the description lives on in this
 * process's mapping, which stays until the image is unmapped (code that
 * runs later in exit() may still use it), and for a moment in a fork child
 * that has not yet replaced its own. */
__attribute__((destructor(101))) static void detach(void)
{
    if (object_fd < 0)
        return;
    if (lock_byte(object_fd, F_OFD_SETLKW, F_WRLCK, INIT_BYTE) == 0) {
        if (lock_byte(object_fd, F_OFD_SETLK, F_WRLCK, USERS_BYTE) == 0 &&
            still_named(object_fd) == 1)
            shm_unlink(object_name);
        lock_byte(object_fd, F_OFD_SETLK, F_UNLCK, USERS_BYTE);
        lock_byte(object_fd, F_OFD_SETLK, F_UNLCK, INIT_BYTE);
    }
    close(object_fd);
    object_fd = -1;
}
