import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// The MPI world, with the few collectives the distributed search needs. Every method is
/// collective: all ranks call it, in the same order. MPI's default error handler aborts the job
/// on any failure, so a rank that fails never leaves the others waiting.
public struct Communicator: Sendable {
    public let rank: Int
    public let size: Int

    /// `MPI_Init_thread` at the funneled level: only the main thread calls MPI (the search's own
    /// threads, if any, never do).
    public static func initialize() -> Communicator {
        var provided: Int32 = 0
        _ = MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        var r: Int32 = 0, s: Int32 = 0
        _ = MPI_Comm_rank(cmpi_comm_world(), &r)
        _ = MPI_Comm_size(cmpi_comm_world(), &s)
        return Communicator(rank: Int(r), size: Int(s))
    }

    public func finalize() { _ = MPI_Finalize() }

    /// Ends every rank of the job (after `message` on this rank's stderr).
    public func abort(_ message: String, code: Int32 = 2) -> Never {
        let line = "modelcheck-mpi: rank \(rank): \(message)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        _ = MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }

    func reduce(_ values: [UInt64], _ op: MPI_Op) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: values.count)
        values.withUnsafeBytes { send in
            out.withUnsafeMutableBytes { receive in
                _ = MPI_Allreduce(send.baseAddress, receive.baseAddress, Int32(values.count), cmpi_uint64(), op, cmpi_comm_world())
            }
        }
        return out
    }

    public func sum(_ values: [UInt64]) -> [UInt64] { reduce(values, cmpi_sum()) }
    public func max(_ values: [UInt64]) -> [UInt64] { reduce(values, cmpi_max()) }

    /// Every rank's `values` (all of one length), indexed by rank.
    public func allgather(_ values: [UInt64]) -> [[UInt64]] {
        var out = [UInt64](repeating: 0, count: values.count * size)
        values.withUnsafeBytes { send in
            out.withUnsafeMutableBytes { receive in
                _ = MPI_Allgather(send.baseAddress, Int32(values.count), cmpi_uint64(), receive.baseAddress, Int32(values.count),
                                  cmpi_uint64(), cmpi_comm_world())
            }
        }
        return (0..<size).map { Array(out[($0 * values.count)..<(($0 + 1) * values.count)]) }
    }

    /// `root`'s `values` on every rank (all pass the same count).
    public func broadcast(_ values: [UInt64], from root: Int) -> [UInt64] {
        var buffer = values
        buffer.withUnsafeMutableBytes { b in
            _ = MPI_Bcast(b.baseAddress, Int32(values.count), cmpi_uint64(), Int32(root), cmpi_comm_world())
        }
        return buffer
    }

    /// Sends `outgoing[r]` to rank r and returns what each rank sent here, indexed by source. One
    /// `MPI_Alltoall` of the counts, then one `MPI_Alltoallv`; counts and offsets are `Int32` in
    /// MPI, so a level whose messages pass 2^31 words aborts the job saying so.
    public func exchange(_ outgoing: [[UInt64]]) -> [[UInt64]] {
        precondition(outgoing.count == size)
        let limit = Int(Int32.max)
        let sendTotal = outgoing.reduce(0) { $0 + $1.count }
        if sendTotal > limit { abort("a level sends \(sendTotal) words, more than MPI's 2^31 per exchange; use more ranks") }
        var sendCounts = outgoing.map { Int32($0.count) }
        var receiveCounts = [Int32](repeating: 0, count: size)
        sendCounts.withUnsafeMutableBytes { s in
            receiveCounts.withUnsafeMutableBytes { r in
                _ = MPI_Alltoall(s.baseAddress, 1, cmpi_int(), r.baseAddress, 1, cmpi_int(), cmpi_comm_world())
            }
        }
        let receiveTotal = receiveCounts.reduce(0) { $0 + Int($1) }
        if receiveTotal > limit { abort("a level receives \(receiveTotal) words, more than MPI's 2^31 per exchange; use more ranks") }
        var sendOffsets = [Int32](repeating: 0, count: size), receiveOffsets = [Int32](repeating: 0, count: size)
        for r in 1..<size {
            sendOffsets[r] = sendOffsets[r - 1] + sendCounts[r - 1]
            receiveOffsets[r] = receiveOffsets[r - 1] + receiveCounts[r - 1]
        }
        var send: [UInt64] = []
        send.reserveCapacity(sendTotal)
        for o in outgoing { send += o }
        var receive = [UInt64](repeating: 0, count: receiveTotal)
        send.withUnsafeBytes { s in
            receive.withUnsafeMutableBytes { r in
                sendCounts.withUnsafeBufferPointer { sc in
                    sendOffsets.withUnsafeBufferPointer { so in
                        receiveCounts.withUnsafeBufferPointer { rc in
                            receiveOffsets.withUnsafeBufferPointer { ro in
                                _ = MPI_Alltoallv(s.baseAddress, sc.baseAddress, so.baseAddress, cmpi_uint64(),
                                                  r.baseAddress, rc.baseAddress, ro.baseAddress, cmpi_uint64(), cmpi_comm_world())
                            }
                        }
                    }
                }
            }
        }
        return (0..<size).map { src in
            let start = Int(receiveOffsets[src])
            return Array(receive[start..<(start + Int(receiveCounts[src]))])
        }
    }
}
