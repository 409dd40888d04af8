// What the operating system knows that Swift's Glibc module does not expose (it is built without _GNU_SOURCE).
#pragma once

// CPUs the calling thread may run on (its affinity mask: taskset, a Slurm or container cpuset); 0 if unknown.
int dfh_affinity_cpu_count(void);
