/*
 * failalloc: an LD_PRELOAD library that makes chosen heap allocations of
 * a running process fail with ENOMEM, for the fault tests
 * (tests/integration/allocfail.sh).  Built for the tests only, never
 * installed.
 *
 * FAILALLOC_CTL names a file of at least sizeof(struct fa_page) bytes,
 * which the library maps shared when it is loaded (before the daemon
 * drops its privileges).  The test arms and disarms it at run time by
 * writing that page (tests/integration/failalloc.py); while the page is
 * disarmed an allocation costs one load of `armed` on top of glibc's.
 *
 * While armed, every allocation of the chosen class is counted in `seen`
 * (1, 2, ...).  The one whose number is `nth` fails; with `persist` set,
 * every later one fails too; `nth` 0 only counts.  Failures are counted
 * in `failed`.  Classes: FA_ALL, every malloc/calloc/realloc/
 * aligned_alloc/posix_memalign/memalign of the process (libc's own
 * internal ones included, e.g. fopen's buffer, getaddrinfo, pthread
 * TLS); FA_EXE, only those whose caller is code of the main executable,
 * i.e. the daemon's own calls (the project is one static library linked
 * into it).  realloc(p, 0), free and mmap are never failed: the daemon
 * itself maps nothing, and glibc's own mmap calls are internal.
 *
 * The library also keeps `live`, the bytes held on the heap by the process
 * that loaded it (malloc_usable_size of every block allocated and not yet
 * freed, from the moment the page is mapped; children do not count): two
 * readings in the same state tell whether something leaked in between.
 *
 * The allocators are glibc's __libc_* entry points, so no dlsym (which
 * allocates) is needed.  Not usable together with ASan, which must come
 * first in the library list and replaces malloc itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define FA_MAGIC	0x4641494cu	/* "FAIL" */
#define FA_ALL		0
#define FA_EXE		1

/* The shared page; failalloc.py packs the same layout ("<IIIIQQQQ"). */
struct fa_page {
	uint32_t magic;		/* written by the library once mapped */
	uint32_t armed;		/* written last by the test when arming */
	uint32_t cls;		/* FA_ALL or FA_EXE */
	uint32_t persist;	/* 1: the nth and every later one fail */
	uint64_t nth;		/* 0: count only */
	uint64_t seen;		/* allocations of the class since arming */
	uint64_t failed;	/* failures injected since arming */
	uint64_t caller;	/* return address of the last one failed */
	int64_t live;		/* heap bytes held, see above */
};

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static struct fa_page *fa;
static uintptr_t exe_lo, exe_hi;	/* the main executable's mapping */
static int fa_child;			/* a forked child: live not kept */

static void
fa_atfork_child(void)
{
	fa_child = 1;
}

/* p was allocated (sign 1) or is about to be freed (-1). */
static void
fa_live(const void *p, int sign)
{
	if (p != NULL && fa != NULL && !fa_child)
		__atomic_add_fetch(&fa->live,
		    sign * (int64_t)malloc_usable_size((void *)p),
		    __ATOMIC_RELAXED);
}

static int
exe_range(struct dl_phdr_info *info, size_t size, void *arg)
{
	int i;

	(void)size;
	(void)arg;
	/* the first object is the main program */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (exe_lo == 0 || lo < exe_lo)
			exe_lo = lo;
		if (lo + ph->p_memsz > exe_hi)
			exe_hi = lo + ph->p_memsz;
	}
	return 1;
}

__attribute__((constructor)) static void
fa_init(void)
{
	const char *path = getenv("FAILALLOC_CTL");
	void *p;
	int fd;

	dl_iterate_phdr(exe_range, NULL);
	if (path == NULL || (fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return;
	p = mmap(NULL, sizeof(struct fa_page), PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	pthread_atfork(NULL, NULL, fa_atfork_child);
	fa = p;
	__atomic_store_n(&fa->magic, FA_MAGIC, __ATOMIC_RELEASE);
}

/* Should this allocation, called from caller, fail? */
static int
fa_fail(const void *caller)
{
	uint64_t n, nth;
	uintptr_t c = (uintptr_t)caller;

	if (fa == NULL || !__atomic_load_n(&fa->armed, __ATOMIC_ACQUIRE))
		return 0;
	if (fa->cls == FA_EXE && (c < exe_lo || c >= exe_hi))
		return 0;
	n = __atomic_add_fetch(&fa->seen, 1, __ATOMIC_ACQ_REL);
	nth = fa->nth;
	if (nth == 0 || n < nth || (n > nth && !fa->persist))
		return 0;
	__atomic_add_fetch(&fa->failed, 1, __ATOMIC_ACQ_REL);
	fa->caller = c;
	errno = ENOMEM;
	return 1;
}

#define CALLER	__builtin_extract_return_addr(__builtin_return_address(0))

void *
malloc(size_t size)
{
	void *p = fa_fail(CALLER) ? NULL : __libc_malloc(size);

	fa_live(p, 1);
	return p;
}

void *
calloc(size_t n, size_t size)
{
	void *p = fa_fail(CALLER) ? NULL : __libc_calloc(n, size);

	fa_live(p, 1);
	return p;
}

void *
realloc(void *p, size_t size)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q;

	if ((p == NULL || size != 0) && fa_fail(CALLER))
		return NULL;
	if ((q = __libc_realloc(p, size)) == NULL && size != 0)
		return NULL;		/* p is still held */
	if (fa != NULL && !fa_child)
		__atomic_add_fetch(&fa->live, (int64_t)(q ?
		    malloc_usable_size(q) : 0) - (int64_t)old,
		    __ATOMIC_RELAXED);
	return q;
}

void
free(void *p)
{
	fa_live(p, -1);
	__libc_free(p);
}

void *
aligned_alloc(size_t align, size_t size)
{
	void *p = fa_fail(CALLER) ? NULL : __libc_memalign(align, size);

	fa_live(p, 1);
	return p;
}

void *
memalign(size_t align, size_t size)
{
	void *p = fa_fail(CALLER) ? NULL : __libc_memalign(align, size);

	fa_live(p, 1);
	return p;
}

int
posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	if (fa_fail(CALLER))
		return ENOMEM;
	if ((p = __libc_memalign(align, size)) == NULL)
		return ENOMEM;
	fa_live(p, 1);
	*out = p;
	return 0;
}
