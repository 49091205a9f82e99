import Explorer
import IOASIDModel
import Testing

/// A design added from outside the module (`TinyIOTLB`, public API only), registered and
/// checked with the same loader, scenarios and explorer as the shipped designs.
struct OutsideProposalTests {
    static let registry = ProposalRegistry.standard.registering(TinyIOTLB.self)

    static func model(flush: String) -> String {
        """
        proposal tiny-iotlb
        set flush-on-unmap = \(flush)

        iommu a format=tiny-4k-2x2
        device x iommu=a

        explore {
          depth 8
        }

        check no-stale-iotlb translation
        expect \(flush == "no" ? "violation no-stale-iotlb" : "holds")

        scenario "a DMA fills the IOTLB; an unmapped page faults" {
          TINY_MAP page=1         => ok
          TINY_DMA page=1         => ok
          TINY_MAP page=1         => EEXIST
          TINY_DMA page=2         => FAULT
          TINY_UNMAP page=9       => EINVAL
        }
        """
    }

    struct Summary {
        var verdict: Verdict
        var traceLength: Int?
        var states: Int
        var scenarios: [ScenarioResult]
    }

    struct Search: ProposalVisitor {
        func visit<P: Proposal>(_ proposal: P, model: Model) -> Summary {
            var request = SearchRequest()
            request.limits.modelDepth = model.explore?.depth
            let result = proposal.search(ProposalSearchModel(proposal, model: model), request)
            return Summary(verdict: result.verdict, traceLength: result.counterexample?.steps.count, states: result.statistics.distinctStates,
                           scenarios: model.scenarios.map { ScenarioRunner.run($0, proposal, model) })
        }
    }

    @Test func theHazardIsFoundWithItsShortestTrace() throws {
        let model = try ModelLoader.load(Self.model(flush: "no"), path: "tiny.model", registry: Self.registry)
        #expect(model.proposal == "tiny-iotlb")
        let result = model.open(Search())
        #expect(result.scenarios.allSatisfy { $0.passed })
        guard case .violation(let name) = result.verdict else {
            Issue.record("expected a violation, got \(result.verdict)")
            return
        }
        #expect(name == "no-stale-iotlb")
        // MAP, DMA (the IOTLB fills), UNMAP without a flush: three steps, and none shorter.
        #expect(result.traceLength == 3)
    }

    @Test func theFixHoldsExhaustively() throws {
        let model = try ModelLoader.load(Self.model(flush: "yes"), path: "tiny.model", registry: Self.registry)
        let result = model.open(Search())
        #expect(result.scenarios.allSatisfy { $0.passed })
        #expect(result.verdict == .holds)
        // Every (mapped, cached ⊆ mapped) pair of four pages: 3^4.
        #expect(result.states == 81)
    }

    @Test func itsWordsAreCheckedLikeAShippedDesign() {
        let bad = Self.model(flush: "sometimes")
        #expect(throws: Diagnostic.self) { try ModelLoader.load(bad, path: "tiny.model", registry: Self.registry) }
        let unregistered = Self.model(flush: "yes")
        #expect(throws: Diagnostic.self) { try ModelLoader.load(unregistered, path: "tiny.model") }
        let stray = Self.model(flush: "yes").replacingOccurrences(of: "TINY_DMA page=2", with: "IOMMU_IOAS_ALLOC")
        do {
            _ = try ModelLoader.load(stray, path: "tiny.model", registry: Self.registry)
            Issue.record("an iommufd operation was accepted in a tiny-iotlb model")
        } catch {
            #expect(error.description.contains("not an operation of proposal 'tiny-iotlb' but of 'iommufd'"))
        }
    }
}
