#if canImport(Glibc)
import Glibc
#endif

/// Zeroed memory for a visited set, advised for transparent huge pages: the table is read at
/// random, and with 4 KiB pages nearly every probe of a large table is also a TLB miss.
enum HugePageMemory {
    static let hugePage = 1 << 21

    static func allocateZeroed(_ bytes: Int) -> UnsafeMutableRawPointer {
        #if canImport(Glibc)
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, bytes >= hugePage ? hugePage : 64, bytes) == 0, let raw else {
            fatalError("out of memory for a visited set of \(bytes) bytes")
        }
        if bytes >= hugePage { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #else
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        #endif
        memset(raw, 0, bytes)
        return raw
    }

    static func release(_ raw: UnsafeMutableRawPointer) {
        #if canImport(Glibc)
        free(raw)
        #else
        raw.deallocate()
        #endif
    }
}
