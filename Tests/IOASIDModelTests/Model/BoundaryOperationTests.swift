import Foundation
import Testing
@testable import IOASIDModel

/// Every operation of every design, with numbers near 2^32, 2^63 and 2^64 in its fields, applied
/// in states reached by random walks of every shipped model: no trap (the overflow audit of
/// issue 22 item 2). Then the state is described, checked and encoded, which must not trap
/// either; a failed operation must have left the state as it was (unmaps aside).
@Suite struct BoundaryOperationTests {
    static let u64s: [UInt64] = [0, 1, 0xfff, 0x1000, 0x2000, 0x10000, 0x200000, 0xffff_ffff, 0x1_0000_0000,
                                 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, 0xffff_ffff_ffff_f000,
                                 0xffff_ffff_ffe0_0000, .max, .max - 1]
    static let u32s: [UInt64] = [0, 1, 2, 3, 4, 5, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0xfffff, 0x100000]
    static let signed: [Int64] = [-1, 0, 1, 3, .max, .min]

    static func arguments(_ spec: OperationSpec, _ topology: Topology, _ rng: inout SplitMix64) -> [String: ArgValue] {
        var args: [String: ArgValue] = [:]
        let arrayCount = rng.index(4)
        for (name, kind) in spec.fields where rng.index(8) != 0 {
            switch kind {
            case .u32, .flags: args[name] = .number(rng.pick(u32s))
            case .u64: args[name] = .number(rng.pick(u64s))
            case .signed: args[name] = .signed(rng.pick(signed))
            case .array: args[name] = .array((0..<arrayCount).map { _ in rng.pick(u64s) })
            case .device: args[name] = .device(rng.index(topology.devices.count))
            case .group: args[name] = .number(UInt64(rng.index(topology.groups.count)))
            case .iommu: args[name] = .number(UInt64(rng.index(topology.iommus.count)))
            case .container: args[name] = .number(UInt64(rng.index(max(1, topology.containers.count))))
            case .preset: args[name] = .preset(rng.pick(FormatPreset.allCases))
            case .access: args[name] = .access(rng.index(2) == 0 ? .read : .write)
            }
        }
        for (name, kind) in spec.fields where args[name] == nil && kind == .device { args[name] = .device(0) }
        return args
    }

    struct Walk: ProposalVisitor {
        let seed: UInt64
        /// BOUNDARY_WALKS=N in the environment runs more (by hand: thousands of operations per model).
        let walks = ProcessInfo.processInfo.environment["BOUNDARY_WALKS"].flatMap { Int($0) } ?? 6

        /// (operations applied, of which succeeded, the first problem)
        func visit<P: Proposal>(_ proposal: P, model: Model) -> (Int, Int, String?) {
            let topology = model.topology
            var rng = SplitMix64(state: seed)
            var applied = 0, succeeded = 0
            let kinds = P.Operation.Kind.allCases.filter { P.offers($0) }
            for _ in 0..<walks {
                var state = proposal.initialState
                for _ in 0..<5 {
                    for kind in kinds {
                        let spec = P.Operation.catalog.spec(kind)
                        guard let op = P.Operation(kind: kind, arguments: BoundaryOperationTests.arguments(spec, topology, &rng)) else { continue }
                        let (next, outcome) = proposal.apply(op, to: state)
                        applied += 1
                        if outcome.isSuccess { succeeded += 1 }
                        _ = op.scenarioText(topology)
                        _ = outcome.resultWord
                        _ = proposal.changes(from: state, to: next)
                        for name in model.checks { _ = proposal.violation(of: name, in: next) }
                        var words: [UInt64] = []
                        proposal.encode(next, into: &words)
                        if !outcome.isSuccess, next != state, !spec.name.contains("UNMAP") {
                            return (applied, succeeded, "a failed \(op.scenarioText(topology)) changed the state")
                        }
                    }
                    var ops: [P.Operation] = []
                    proposal.actions(of: state, into: &ops)
                    guard !ops.isEmpty else { break }
                    state = proposal.apply(rng.pick(ops), to: state).0
                }
            }
            return (applied, succeeded, nil)
        }
    }

    static var paths: [String] {
        ShippedModels.paths + ["seeds", "diff"].flatMap { dir in
            let d = ShippedModels.directory.appendingPathComponent(dir)
            return ((try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? [])
                .filter { $0.hasSuffix(".model") }.sorted().map { d.appendingPathComponent($0).path }
        }
    }

    @Test(arguments: paths)
    func boundaryArgumentsNeverTrap(_ path: String) throws {
        let model = try ShippedModels.load(path)
        let (applied, _, problem) = model.open(Walk(seed: UInt64(truncatingIfNeeded: path.utf8.count)))
        if let problem { Issue.record(Comment(rawValue: "\(path): \(problem)")) }
        #expect(applied >= 60, "\(path): \(applied) operations")
    }
}
