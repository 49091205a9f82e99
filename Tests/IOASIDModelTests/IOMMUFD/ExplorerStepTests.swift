import Explorer
import Testing
@testable import IOASIDModel

/// The explorer's shortcut steps on iommufd (`IOMMUFDProposal.advance`): a failure that changed
/// nothing is a self-loop, a failure the kernel does not undo (an unmap that removed areas before
/// failing) is a real successor, and the in-place form always puts its scratch state back.
@Suite struct ExplorerStepTests {
    struct Setup {
        let proposal: IOMMUFDProposal
        let state: IOMMUFDState
        let page: UInt64

        /// An IOAS (id 1) with two areas of one page each at 0x10000 and 0x11000.
        init() throws {
            let model = try ShippedModels.load(ShippedModels.directory.appendingPathComponent("iommufd.model").path)
            proposal = IOMMUFDProposal(model: model)
            page = model.topology.host.pageSize
            var s = proposal.initialState
            #expect(proposal.apply(.ioasAlloc(flags: 0), to: &s).isSuccess)
            for iova: UInt64 in [0x10000, 0x10000 + page] {
                let map = IOASMapArgs(flags: Fixture.fixedRW, ioasID: 1, iova: iova, length: page, userVA: 0x200000)
                #expect(proposal.apply(.ioasMap(map), to: &s).isSuccess)
            }
            state = s
        }

        func bothForms(_ op: IOMMUFDOperation) -> [Successor<IOMMUFDState>] {
            var scratch = state
            let inPlace = proposal.advance(&scratch, from: state, by: op, coverage: Coverage())
            #expect(scratch == state, "the scratch state is put back after \(op)")
            return [proposal.advance(state, by: op, coverage: Coverage()), inPlace]
        }
    }

    @Test func anAtomicFailureIsASelfLoop() throws {
        let setup = try Setup()
        for step in setup.bothForms(.destroy(id: 99)) {
            guard case .unchanged = step else { Issue.record("destroy of a missing id: \(step)"); continue }
        }
    }

    @Test func anUnmapThatFailsHalfwayKeepsWhatItRemoved() throws {
        let setup = try Setup()
        // Covers the first area whole and the second in part: the first goes, then ENOENT.
        let op = IOMMUFDOperation.ioasUnmap(ioasID: 1, iova: 0x10000, length: setup.page + 1)
        let (expected, outcome) = setup.proposal.apply(op, to: setup.state)
        #expect(outcome.status == .errno(.ENOENT))
        #expect(expected.ioas(1)?.areas.count == 1)
        for step in setup.bothForms(op) {
            guard case .changed(let next) = step else { Issue.record("a half-done unmap: \(step)"); continue }
            #expect(next == expected)
        }
    }

    @Test func aSuccessIsASuccessor() throws {
        let setup = try Setup()
        let op = IOMMUFDOperation.ioasUnmap(ioasID: 1, iova: 0x10000, length: setup.page)
        let (expected, outcome) = setup.proposal.apply(op, to: setup.state)
        #expect(outcome.isSuccess)
        for step in setup.bothForms(op) {
            guard case .changed(let next) = step else { Issue.record("a successful unmap: \(step)"); continue }
            #expect(next == expected && next != setup.state)
        }
    }
}
