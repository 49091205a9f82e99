// swift-tools-version:6.0
import PackageDescription

// The optional multi-machine back end: the one package that links a library beyond Swift's own
// (the system MPI, Debian's mpich, found through pkg-config's `mpi`). The root package never
// depends on it; it depends on the root package by path.
let package = Package(
    name: "modelcheck-mpi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelcheck-mpi", targets: ["modelcheck-mpi"]),
    ],
    dependencies: [
        .package(name: "ioasid-modelcheck", path: ".."),
    ],
    targets: [
        .systemLibrary(name: "CMPI", pkgConfig: "mpi", providers: [.apt(["libmpich-dev"])]),
        // Generic over any StateMachine, as the Explorer is: it knows ranks and fingerprints, not IOMMUs.
        // Generic code instantiated in another module runs on generic metadata lookups unless it
        // is specialised there: cross-module optimisation lets the executable specialise it.
        .target(name: "DistributedExplorer",
                dependencies: ["CMPI", .product(name: "Explorer", package: "ioasid-modelcheck")],
                swiftSettings: [.unsafeFlags(["-cross-module-optimization"])]),
        .executableTarget(name: "modelcheck-mpi",
                          dependencies: ["DistributedExplorer", "CMPI",
                                         .product(name: "ModelCheckCLI", package: "ioasid-modelcheck"),
                                         .product(name: "IOASIDModel", package: "ioasid-modelcheck"),
                                         .product(name: "Explorer", package: "ioasid-modelcheck")]),
    ],
    swiftLanguageModes: [.v6]
)
