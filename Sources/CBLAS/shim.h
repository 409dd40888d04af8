// OpenBLAS's CBLAS interface (Debian: /usr/include/x86_64-linux-gnu/cblas.h via pkg-config openblas).
#pragma once
#include <cblas.h>
