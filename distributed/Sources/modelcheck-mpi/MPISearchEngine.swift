import DistributedExplorer
import Explorer
import IOASIDModel
import ModelCheckCLI
import Synchronization

/// `check`'s search, distributed: breadth-first over the MPI ranks. Coverage counts are summed
/// across ranks afterwards, so every rank reports what the whole search saw.
final class MPISearchEngine: SearchEngine, Sendable {
    let comm: Communicator
    /// Set once the search began on this rank: a rank that returns before (bad input) must end
    /// the job, or the others would wait for it in a collective.
    let entered = Atomic<Bool>(false)
    /// Per-rank figures of the last search: [states owned, words sent], indexed by rank.
    let perRank = Mutex<[[UInt64]]>([])

    init(comm: Communicator) { self.comm = comm }

    func search<P: Proposal>(_ proposal: P, _ model: ProposalSearchModel<P>, _ request: SearchRequest) -> SearchResult<ProposalSearchModel<P>> {
        entered.store(true, ordering: .relaxed)
        // Every rank loaded the same model and bounds, or the job cannot go on.
        var digest = Fingerprint()
        digest.mix(UInt64(request.limits.modelDepth ?? 0))
        for s in model.initialStates { digest.mix(model.fingerprint(of: s)) }
        let digests = comm.allgather([digest.value])
        if Set(digests.map { $0[0] }).count != 1 { comm.abort("the ranks loaded different models (is the file the same on every machine?)") }
        if request.strategy != .bfs { comm.abort("modelcheck-mpi searches breadth-first only (no --strategy \(request.strategy))") }
        var search = DistributedBFS(model: model, limits: request.limits, comm: comm)
        let result = search.run()
        let total = comm.sum(model.coverage.counters.map { UInt64($0) }).map { Int($0) }
        model.coverage.add(zip(total, model.coverage.counters).map { $0 - $1 })
        perRank.withLock { $0 = comm.allgather([UInt64(search.ownedStates), UInt64(search.wordsSent)]) }
        return result
    }
}
