import Testing
@testable import IOASIDModel

/// The rarely-set fields live in a shared immutable box: a write must not reach another state that
/// shares the box, and a state whose rare fields are all empty again must equal one that never set them.
@Suite struct RareFieldsTests {
    @Test func aWriteIsSeenByTheWriterOnly() {
        let a = IOMMUFDState(deviceCount: 2)
        var b = a
        b.dmabufs.append(DmaBuf(fd: 3, size: 0x2000))
        b.tombstones = [4]
        #expect(a.dmabufs.isEmpty && a.tombstones.isEmpty)
        #expect(b.dmabufs == [DmaBuf(fd: 3, size: 0x2000)] && b.tombstones == [4])
        #expect(a != b)
        var c = b
        c.clearMockCache(device: 1, slots: 0b10)
        #expect(c.mockCacheSlotCleared(device: 1, slot: 1))
        #expect(!b.mockCacheSlotCleared(device: 1, slot: 1))
    }

    @Test func emptiedFieldsEqualNeverSetOnes() {
        let a = IOMMUFDState(deviceCount: 1)
        var b = a
        b.fileSizes = [0x1000]
        #expect(a != b)
        b.fileSizes = []
        #expect(a == b)
        #expect(b.rare === RareFields.Box.empty)
        #expect(a.hashValue == b.hashValue)
    }
}
