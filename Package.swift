// swift-tools-version:6.0
import PackageDescription

// No package dependencies, by design: the standard library, Foundation, Dispatch,
// Synchronization and Swift Testing only.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "ioasid-modelcheck",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IOASIDModel", targets: ["IOASIDModel"]),
        .library(name: "Explorer", targets: ["Explorer"]),
        .library(name: "ModelCheckCLI", targets: ["ModelCheckCLI"]),
        .executable(name: "modelcheck", targets: ["modelcheck"]),
    ],
    targets: [
        // Generic over any state machine: must never import IOASIDModel.
        .target(name: "Explorer", swiftSettings: strict),
        // The domain, and its binding to the explorer (`Search/`).
        .target(name: "IOASIDModel", dependencies: ["Explorer"], swiftSettings: strict),
        // The commands, as a library: `modelcheck` calls it, and so does the MPI package's
        // `modelcheck-mpi` (distributed/), with its own search engine.
        .target(name: "ModelCheckCLI", dependencies: ["IOASIDModel", "Explorer"], swiftSettings: strict),
        .executableTarget(name: "modelcheck", dependencies: ["ModelCheckCLI"], swiftSettings: strict),
        .executableTarget(name: "translation-bench", dependencies: ["IOASIDModel", "Explorer"], path: "benchmarks/translation-bench",
                          swiftSettings: strict),
        .testTarget(name: "IOASIDModelTests", dependencies: ["IOASIDModel", "Explorer"], swiftSettings: strict),
        .executableTarget(name: "counters-bench", dependencies: ["Explorer"], path: "benchmarks/counters-bench",
                          swiftSettings: strict),
        // A design defined outside the module, with the public API only.
        .testTarget(name: "OutsideProposalTests", dependencies: ["IOASIDModel", "Explorer"], swiftSettings: strict),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer"], swiftSettings: strict),
        .testTarget(name: "modelcheckTests", dependencies: ["ModelCheckCLI", "IOASIDModel"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
