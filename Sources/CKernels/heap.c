// glibc's malloc settings, which Swift's Glibc module does not export (malloc.h).
#include <malloc.h>
#include "CKernels.h"

void dfh_keep_freed_blocks(void) {
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}
