import Explorer
import Foundation
import Testing
@testable import IOASIDModel

/// Symmetry by sorting: interchangeable devices are put in canonical order by their signature in
/// the state, so its cost is a sort per state and nothing at setup, however many devices there are.
@Suite struct SymmetryTests {
    static func model(devices: Int, depth: Int = 5) throws -> Model {
        var text = "proposal iommufd\niommu smmu format=tiny-4k-2x2 pasid-bits=4\n"
        for d in 0..<devices { text += "device d\(d) iommu=smmu pasid-bits=4\n" }
        text += "explore {\n  objects ioas=2 hwpt=2\n  iova 0x0..0x3fff\n  lengths 4K\n  pasids 1\n  depth \(depth)\n}\n"
        return try ModelLoader.load(text, path: "sym.model")
    }

    /// 64 devices (the most a model may declare) form one class of 64; enumerating its orderings
    /// (64!) is what hung the setup before.
    @Test func sixtyFourInterchangeableDevicesFormOneClassAtOnce() throws {
        let m = try Self.model(devices: 64)
        let symmetry = IOMMUFDSymmetry(topology: m.topology, distinguished: [])
        #expect(symmetry.classes == [Array(0..<64)])
        // A renaming that sorts by a descending key reverses the class, groups with it.
        let p = try #require(symmetry.canonicalRenaming { UInt64(1000 - $0) })
        #expect(p.devices == Array((0..<64).reversed()))
        #expect(p.groups == (0..<64).map { m.topology.devices[63 - $0].group })
        #expect(symmetry.canonicalRenaming { UInt64($0) } == nil, "an already sorted state needs no renaming")
    }

    struct Walk: ProposalVisitor {
        /// (states compared, states compared whose devices differ)
        func visit<P: Proposal>(_ proposal: P, model: Model) -> (Int, Int) {
            guard let iommufd = proposal as? IOMMUFDProposal else { return (0, 0) }
            let topology = model.topology
            var rng = SplitMix64(state: 7)
            var compared = 0, distinct = 0
            for _ in 0..<300 {
                var state = iommufd.initialState
                for _ in 0..<6 {
                    var ops: [IOMMUFDOperation] = []
                    iommufd.actions(of: state, into: &ops)
                    state = iommufd.apply(rng.pick(ops), to: state).0
                    // A random renaming of the devices, and the groups with them.
                    var devices = Array(topology.devices.indices)
                    for i in devices.indices.reversed() { devices.swapAt(i, rng.index(i + 1)) }
                    var groups = Array(topology.groups.indices)
                    for (d, to) in devices.enumerated() { groups[topology.devices[d].group] = topology.devices[to].group }
                    let renamed = state.permuted(devices: devices, groups: groups)
                    let signatures = topology.devices.indices.map { state.signature(of: $0, topology) }
                    compared += 1
                    // The canonical form is unique when devices that tie in signature are alike
                    // (swapping them changes nothing): then both must meet in it.
                    guard Self.tiesAreAlike(state, signatures, topology) else { continue }
                    if Set(signatures).count > 1 { distinct += 1 }
                    let a = iommufd.fingerprint(of: state, symmetric: true)
                    let b = iommufd.fingerprint(of: renamed, symmetric: true)
                    if a != b { Issue.record("a renamed state has another canonical fingerprint:\n\(state.describe(topology).joined(separator: "\n"))") }
                    if renamed != state, iommufd.fingerprint(of: renamed, symmetric: false) == iommufd.fingerprint(of: state, symmetric: false) {
                        Issue.record("without symmetry, a renamed state should be told apart")
                    }
                }
            }
            return (compared, distinct)
        }

        static func tiesAreAlike(_ state: IOMMUFDState, _ signatures: [UInt64], _ topology: Topology) -> Bool {
            for i in signatures.indices {
                for j in signatures.indices where j > i && signatures[i] == signatures[j] {
                    var devices = Array(topology.devices.indices)
                    devices.swapAt(i, j)
                    var groups = Array(topology.groups.indices)
                    groups.swapAt(topology.devices[i].group, topology.devices[j].group)
                    if state.permuted(devices: devices, groups: groups) != state { return false }
                }
            }
            return true
        }
    }

    /// vDEVICEs name devices: a renaming must carry them along (`ops +viommu`).
    @Test func renamedStatesWithVDevicesMeetInOneCanonicalForm() throws {
        var text = "proposal iommufd\niommu mock format=mock nesting\n"
        for d in 0..<3 { text += "device d\(d) iommu=mock\n" }
        text += "explore {\n  objects ioas=1 hwpt=2 viommu=1\n  ops ioas bind hwpt viommu attach close\n  depth 6\n}\n"
        let (compared, distinct) = try ModelLoader.load(text, path: "sym-viommu.model").open(Walk())
        #expect(compared == 1800)
        #expect(distinct > 250, "the walks should reach states whose devices differ (\(distinct) of \(compared))")
    }

    @Test func renamedStatesMeetInOneCanonicalForm() throws {
        let (compared, distinct) = try Self.model(devices: 3).open(Walk())
        #expect(compared == 1800)
        #expect(distinct > 250, "the walks should reach states whose devices differ (\(distinct) of \(compared))")
    }
}
