import Explorer

/// How to search: the strategy and its limits, as `check` and `diff` take them.
public struct SearchRequest: Sendable {
    public enum Strategy: String, Sendable { case bfs, dfs, random }

    public var strategy = Strategy.bfs
    public var limits = SearchLimits()
    public var workers = 1
    public var seed: UInt64 = 0
    public var walks = 10_000
    public var onProgress: (@Sendable (Progress) -> Void)?

    public init() {}
}

extension Proposal {
    public func search(_ model: ProposalSearchModel<Self>, _ request: SearchRequest) -> SearchResult<ProposalSearchModel<Self>> {
        switch request.strategy {
        case .bfs: return BreadthFirstSearch(model: model, limits: request.limits, workers: request.workers, onProgress: request.onProgress).run()
        case .dfs: return DepthFirstSearch(model: model, limits: request.limits, onProgress: request.onProgress).run()
        case .random:
            return RandomSimulation(model: model, limits: request.limits, seed: request.seed, walks: request.walks, onProgress: request.onProgress).run()
        }
    }

    public func searchDifferences(_ model: DiffSearchModel<Self>, _ request: SearchRequest) -> SearchResult<DiffSearchModel<Self>> {
        BreadthFirstSearch(model: model, limits: request.limits, workers: request.workers, onProgress: request.onProgress).run()
    }
}
