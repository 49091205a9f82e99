import Explorer
import Testing
@testable import IOASIDModel

/// The SPEC example's topology (`SPEC.md` §2): gpu and nic behind smmu0, igfx behind igd.
enum Fixture {
    static let topology = Topology(
        iommus: [
            IOMMUSpec(name: "smmu0", preset: .armLPAE4K, pageSizes: PageSizes(bitmap: 0x1000 | 0x200000), pasidBits: 20, nesting: true),
            IOMMUSpec(name: "igd", preset: .vtdSL4, pageSizes: PageSizes(bitmap: 0x1000 | 0x200000), canEnforceCoherency: false),
        ],
        devices: [
            DeviceSpec(name: "gpu", iommu: 0, group: 0, pasidBits: 20),
            DeviceSpec(name: "nic", iommu: 0, group: 1),
            DeviceSpec(name: "igfx", iommu: 1, group: 2, reserved: [IOVARange(first: 0xfee0_0000, last: 0xfeef_ffff)]),
        ])

    static let gpu = 0, nic = 1, igfx = 2
    static let rw = IOMMUFDConstants.IOMMU_IOAS_MAP_READABLE | IOMMUFDConstants.IOMMU_IOAS_MAP_WRITEABLE
    static let fixedRW = rw | IOMMUFDConstants.IOMMU_IOAS_MAP_FIXED_IOVA

    /// A driver that applies operations, checks every invariant and the refcount bookkeeping
    /// after each one, and records the outcomes.
    struct Driver {
        var machine: IOMMUFD
        var state: IOMMUFDState

        init(_ topology: Topology = Fixture.topology, config: IOMMUFDConfig = IOMMUFDConfig()) {
            machine = IOMMUFD(topology: topology, config: config)
            state = machine.initialState
        }

        @discardableResult
        mutating func run(_ op: IOMMUFDOperation, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Outcome {
            let before = state
            let outcome = machine.apply(op, to: &state)
            if !outcome.isSuccess, !op.mayFailPartway {
                #expect(state == before, "a failed \(op) changed the state", sourceLocation: sourceLocation)
            }
            let view = IOMMUFDView(machine: machine, state: state)
            #expect(view.refcountMismatches().isEmpty, "\(view.refcountMismatches())", sourceLocation: sourceLocation)
            return outcome
        }

        /// Runs `op` and expects its errno.
        mutating func expect(_ op: IOMMUFDOperation, _ errno: Errno, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            let outcome = run(op, sourceLocation: sourceLocation)
            #expect(outcome.status == .errno(errno), "\(op)", sourceLocation: sourceLocation)
        }

        /// Runs `op`, expects success, and returns its principal output.
        @discardableResult
        mutating func ok(_ op: IOMMUFDOperation, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> UInt64 {
            let outcome = run(op, sourceLocation: sourceLocation)
            #expect(outcome.isSuccess, "\(op) gave \(outcome.resultWord)", sourceLocation: sourceLocation)
            return outcome.principal ?? 0
        }

        func violation(_ names: [InvariantName] = InvariantName.allCases) -> Violation? {
            Invariants.firstViolation(in: IOMMUFDView(machine: machine, state: state), checking: names)
        }

        func ioasAlloc() -> IOMMUFDOperation { .ioasAlloc(flags: 0) }
    }
}

extension IOMMUFDOperation {
    /// The unmaps the kernel does not undo halfway (IOMMU_IOAS_UNMAP's areas, VFIO's cuts).
    var mayFailPartway: Bool {
        switch self {
        case .ioasUnmap, .vfioUnmapDMA: return true
        default: return false
        }
    }
}

extension IOMMUFDState {
    /// The state read back from the words the explorer's frontier and checkpoints keep.
    var roundTripped: IOMMUFDState {
        var words: [UInt64] = []
        encode(into: &words)
        return words.withUnsafeBufferPointer { buffer in
            var reader = WordReader(buffer)
            return IOMMUFDState.decode(&reader)
        }
    }
}
