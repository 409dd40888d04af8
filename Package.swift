// swift-tools-version:6.0
// Deepfake video detection research toolkit: extract (video -> CNN embeddings -> HDF5 cache)
// and train (GRU/FC heads on cached embeddings).
import PackageDescription

let package = Package(
    name: "DeepfakeHeads",
    products: [
        .executable(name: "extract", targets: ["ExtractCLI"]),
        .executable(name: "train", targets: ["TrainCLI"]),
        .executable(name: "predict", targets: ["PredictCLI"]),
        .executable(name: "bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C system libraries, found through pkg-config; shim.h wraps macros Swift cannot import.
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // Register tiles in C, picked at run time by Extract: AVX-512 1x1, patch, depthwise and SiLU; AVX2 1x1 and patch.
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // What the OS knows that Swift's Glibc module hides (the CPUs a process may run on).
        .target(name: "CSystem", path: "Sources/CSystem"),

        // What both stages use: tensors, HDF5, configuration, dataset layouts, hashing, progress.
        .target(name: "Shared", dependencies: ["CHDF5", "CBLAS", "CSystem", .product(name: "Yams", package: "Yams")]),
        // Stage 1: video decoding, weight loading, CNN kernels and backbones, the embedding cache.
        .target(name: "Extract", dependencies: ["Shared", "CFFmpeg", "CBLAS", "CKernels"],
                // The CNN kernels vectorise with AVX2 + FMA (x86-64-v3: every x86 server CPU since 2013).
                swiftSettings: [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]),
        // Stage 2: recurrent heads, optimisation, evaluation and reports.
        .target(name: "Train", dependencies: ["Shared", "Extract", "CBLAS", "CDNNL"],
                // The GRU gate and Adam loops vectorise 8 wide with AVX2 (x86-64-v3), as in Extract.
                swiftSettings: [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]),

        .executableTarget(name: "ExtractCLI", dependencies: [
            "Extract", "Shared", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "TrainCLI", dependencies: [
            "Train", "Extract", "Shared", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .executableTarget(name: "PredictCLI", dependencies: [
            "Train", "Shared", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // `make bench`: timings of the pipeline's parts for bench/run.py (never run by tests or CI).
        .executableTarget(name: "Bench", dependencies: ["Extract", "Train", "Shared", "CBLAS", "CDNNL"]),

        .testTarget(name: "SharedTests", dependencies: ["Shared"]),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "Shared"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Extract", "Shared"], exclude: ["Fixtures"]),
    ]
)
