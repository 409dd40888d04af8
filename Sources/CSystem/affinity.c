#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include "CSystem.h"

int dfh_affinity_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
    // More CPUs than a cpu_set_t holds (1024): ask again with a mask sized for them.
    for (int cpus = 2048; cpus <= 1 << 16; cpus *= 2) {
        size_t size = CPU_ALLOC_SIZE(cpus);
        cpu_set_t *mask = CPU_ALLOC(cpus);
        if (!mask) return 0;
        int count = sched_getaffinity(0, size, mask) == 0 ? CPU_COUNT_S(size, mask) : 0;
        CPU_FREE(mask);
        if (count) return count;
    }
    return 0;
}
