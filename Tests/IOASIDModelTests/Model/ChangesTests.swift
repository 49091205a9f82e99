import Testing
@testable import IOASIDModel

/// `changes(from:to:)` finds, part by part, exactly the lines a full comparison of the two
/// descriptions finds — and does so in work proportional to what changed.
@Suite struct ChangesTests {
    struct Compare: ProposalVisitor {
        /// (steps compared, the first disagreement)
        func visit<P: Proposal>(_ proposal: P, model: Model) -> (Int, String?) {
            var rng = SplitMix64(state: 99)
            var steps = 0
            for _ in 0..<40 {
                var state = proposal.initialState
                for _ in 0..<max(4, model.explore?.depth ?? 4) {
                    var ops: [P.Operation] = []
                    proposal.actions(of: state, into: &ops)
                    guard !ops.isEmpty else { break }
                    let kinds = Array(Set(ops.map(\.name))).sorted()
                    let kind = rng.pick(kinds)
                    let next = proposal.apply(rng.pick(ops.filter { $0.name == kind }), to: state).0
                    let before = proposal.describe(state), after = proposal.describe(next)
                    let removed = Set(before).subtracting(after), added = Set(after).subtracting(before)
                    let got = proposal.changes(from: state, to: next)
                    let gotRemoved = Set(got.filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) })
                    let gotAdded = Set(got.filter { $0.hasPrefix("+ ") }.map { String($0.dropFirst(2)) })
                    steps += 1
                    if gotRemoved != removed || gotAdded != added {
                        return (steps, "expected -\(removed.sorted()) +\(added.sorted()), got \(got)")
                    }
                    state = next
                }
            }
            return (steps, nil)
        }
    }

    static var paths: [String] { BoundaryOperationTests.paths }

    @Test(arguments: paths)
    func partByPartChangesEqualTheFullComparison(_ path: String) throws {
        let (steps, problem) = try ShippedModels.load(path).open(Compare())
        if let problem { Issue.record(Comment(rawValue: "\(path): \(problem)")) }
        #expect(steps > 0)
    }

    /// A trace of n maps into one IOAS with a device attached: the lines formatted to show its
    /// changes grow linearly in n (a full comparison formats 2 × the state at every step, so
    /// quadratically; `replay` of 2,400 steps took 11 s that way).
    @Test func theWorkOfShowingChangesIsLinearInTheTrace() {
        let n = 400
        var d = Fixture.Driver()
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.bind(device: Fixture.gpu, iommufd: nil, flags: 0))
        d.ok(.attach(device: Fixture.gpu, flags: 0, ptID: a, pasid: 0))
        var formatted = 0
        for i in 0..<UInt64(n) {
            let before = d.state
            // Every other 4K page, so that no two leaves coalesce into one run.
            d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0x100000 + i * 0x2000, length: 0x1000, userVA: 0x1000)))
            var c = LineChanges()
            d.state.changes(since: before, Fixture.topology, into: &c)
            #expect(c.added.count == 2, "an area and a leaf")
            if i < 3 {
                let full = Set(d.state.describe(Fixture.topology)).subtracting(before.describe(Fixture.topology))
                #expect(Set(c.added) == full)
            }
            formatted += c.formatted
        }
        #expect(formatted <= 8 * n, "\(formatted) lines formatted for \(n) steps")
        #expect(d.state.describe(Fixture.topology).count > 2 * n)
    }

    /// Leaves are shown in runs: a 2M map of 4K pages (a 4K-only IOMMU) is one line.
    @Test func contiguousLeavesAreOneRun() {
        var topology = Fixture.topology
        topology.iommus[0].pageSizes = PageSizes(bitmap: 0x1000)
        var d = Fixture.Driver(topology)
        let a = UInt32(d.ok(.ioasAlloc(flags: 0)))
        d.ok(.bind(device: Fixture.gpu, iommufd: nil, flags: 0))
        d.ok(.attach(device: Fixture.gpu, flags: 0, ptID: a, pasid: 0))
        d.ok(.ioasMap(IOASMapArgs(flags: Fixture.fixedRW, ioasID: a, iova: 0x200000, length: 0x200000, userVA: 0x400000)))
        let leaves = d.state.describe(topology).filter { $0.contains(" leaf ") || $0.contains(" leaves ") }
        #expect(leaves == ["domain 1 leaves 0x200000..0x3fffff -> 0x400000 512×4K rwc"])
    }
}
