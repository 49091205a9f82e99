import Testing
@testable import IOASIDModel

/// Seeded random walks over every shipped model that expects to hold, as long as its explore
/// depth (the bound within which `check` proved it), on every proposal: after each step the
/// model's invariants hold, the reference counts match the references, and a failed operation
/// changed nothing — except the unmaps the kernel does not undo halfway.
@Suite struct ShippedModelWalkTests {
    static var holdingModels: [String] {
        ShippedModels.paths.filter { path in
            guard let m = try? ShippedModels.load(path), m.explore?.hasDepth == true else { return false }
            return m.expectation == .holds
        }
    }

    @Test(arguments: holdingModels)
    func walksWithinTheDepthKeepEveryRule(_ path: String) throws {
        let model = try ShippedModels.load(path)
        let bounds = try #require(model.explore)
        let machine = model.machine
        let space = ActionSpace(topology: model.topology, bounds: bounds, config: model.config)
        var rng = SplitMix64(state: UInt64(truncatingIfNeeded: path.utf8.count) &* 0x9E37_79B9)
        var successes = 0, steps = 0
        for _ in 0..<200 {
            var state = machine.initialState
            for _ in 0..<bounds.depth {
                var ops: [IOMMUFDOperation] = []
                space.actions(of: state, into: &ops)
                guard !ops.isEmpty else { break }
                let kinds = Array(Set(ops.map(\.name))).sorted()
                let kind = rng.pick(kinds)
                let op = rng.pick(ops.filter { $0.name == kind })
                let step = WalkStep(machine, from: state, op, checking: model.checks)
                if space.exceedsCaps(step.next) { continue }
                steps += 1
                if step.succeeded { successes += 1 }
                state = step.next
                if !step.problems.isEmpty {
                    Issue.record(Comment(rawValue: "\(path): " + step.problems.joined(separator: "; ")))
                    return
                }
            }
        }
        #expect(successes * 5 > steps, "\(path): the walks should exercise successful operations too (\(successes) of \(steps))")
    }
}
