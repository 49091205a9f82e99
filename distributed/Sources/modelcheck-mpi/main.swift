#if canImport(Glibc)
import Glibc
#endif
import DistributedExplorer
import ModelCheckCLI

// `modelcheck-mpi check [OPTIONS] FILE.model`, under `mpirun -np N` or `srun`: the same options,
// output and exit codes as `modelcheck check`, the search spread over the ranks. Rank 0 prints;
// the others are silent but for errors.
let comm = Communicator.initialize()
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "counters" {
    let code = Counters.main(Array(arguments.dropFirst()), comm: comm)
    comm.finalize()
    exit(code)
}
if arguments.first != "check" {
    if comm.rank == 0 {
        print("usage: mpirun -np N modelcheck-mpi check [OPTIONS] FILE.model   (the options of 'modelcheck check'; breadth-first only)")
        print("       mpirun -np N modelcheck-mpi counters N MODULUS           (the engine's self-check: MODULUS^N states)")
    }
    comm.finalize()
    exit(arguments.isEmpty || arguments == ["--help"] ? 0 : 2)
}
let engine = MPISearchEngine(comm: comm)
let console: Console = comm.rank == 0 ? .standard : Console(out: { _ in }, err: Console.standard.err)
let code = Tool.run(arguments, console: console, engine: engine)
if !engine.entered.load(ordering: .relaxed), code == 2 {
    // Bad input seen before the search: the other ranks may be waiting in it.
    comm.abort("bad input (see the error above); ending the job", code: 2)
}
if comm.rank == 0, engine.entered.load(ordering: .relaxed) {
    let rows = engine.perRank.withLock { $0 }
    let cells = rows.enumerated().map { "rank \($0.offset): \($0.element[0]) states, \($0.element[1] * 8) bytes sent" }
    Console.standard.err("modelcheck-mpi: \(comm.size) rank(s); " + cells.joined(separator: "; "))
}
comm.finalize()
exit(code)
