import Testing
import Explorer
@testable import IOASIDModel

/// Thousands of seeded random operation sequences on a small topology: after every step every
/// invariant holds, the reference counts match the references, and a failed operation changed
/// nothing (except a multi-area UNMAP, which the kernel does not undo); and the shortcuts the
/// explorer's hot path takes agree with the plain computations they replace.
@Suite struct RandomWalkTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func invariantsHoldOnEveryStepOfRandomWalks(seed: UInt64) {
        var bounds = ExploreBounds()
        bounds.window = IOVARange(first: 0x10000, last: 0x17fff)
        bounds.lengths = [0x1000, 0x2000]
        bounds.pasids = [1, 2]
        // The vIOMMU generation has its own walks (VIOMMUTests), on the mock it needs.
        bounds.groups = Set(OperationGroup.allCases.map(\.rawValue)).subtracting(["nested", "viommu", "hw-queue", "invalidate", "fault", "veventq"])
        let machine = IOMMUFD(topology: Fixture.topology)
        let walks = RandomWalks(machine: machine, space: ActionSpace(topology: machine.topology, bounds: bounds))
        var reservedHits = 0
        guard let made = walks.run(seed: seed, walks: 500, steps: 12, start: { _ in machine.initialState }, before: { state in
            // The map's allocation-free reserved check agrees with the listed regions, over
            // an MSI window, the top of a 48-bit aperture and the walks' own window.
            for o in state.objects {
                guard case .ioas = o.body else { continue }
                for range in Self.reservedProbes {
                    let listed = machine.reserved(of: o.id, state).contains { $0.intersects(range) }
                    #expect(machine.meetsReserved(range, of: o.id, state) == listed, "ioas \(o.id), \(range)")
                    if listed { reservedHits += 1 }
                }
            }
        }) else { return }
        let successes = made.values.reduce(0, +)
        // The VFIO compat ioctls fail (ENODEV) until a walk names a compat IOAS, which dilutes
        // the successes here; VFIOCompatTests walks them on their own.
        #expect(successes > 800, "the walks should exercise successful operations too")
        #expect(reservedHits > 3, "the walks should reach IOASes with reserved regions")
    }

    static let reservedProbes: [IOVARange] = [
        IOVARange(first: 0xfedf_f000, last: 0xfee0_0fff), IOVARange(first: 0xfeef_f000, last: 0xfef0_0fff),
        IOVARange(first: 0xffff_ffff_f000, last: 0x1_0000_0000_0fff), IOVARange(first: 0x10000, last: 0x11fff),
    ]
}
