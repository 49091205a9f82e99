import Explorer
import IOASIDModel

/// Who runs `check`'s search: this process (the default), or another back end — the MPI
/// package's distributed search plugs in here, so that it prints and exits exactly as `check` does.
public protocol SearchEngine: Sendable {
    func search<P: Proposal>(_ proposal: P, _ model: ProposalSearchModel<P>, _ request: SearchRequest) -> SearchResult<ProposalSearchModel<P>>
}

/// The search of this process: the strategy, workers and limits `check` was given.
public struct LocalSearchEngine: SearchEngine {
    public init() {}

    public func search<P: Proposal>(_ proposal: P, _ model: ProposalSearchModel<P>, _ request: SearchRequest) -> SearchResult<ProposalSearchModel<P>> {
        proposal.search(model, request)
    }
}
