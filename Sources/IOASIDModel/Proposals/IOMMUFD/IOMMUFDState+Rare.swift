/// The fields of `IOMMUFDState` that few operations change, kept together behind one immutable
/// box: a state is copied for every successor the search computes, and each buffer it holds
/// costs a retain and a release per copy. A write builds a new box (these fields change rarely),
/// so boxes are never mutated and are safely shared between states and workers.
struct RareFields: Hashable, Sendable {
    /// The declared memfds' sizes after `FTRUNCATE`; empty while every one has its declared size.
    var fileSizes: [UInt64] = []
    /// The selftest's dma-bufs by slot; a slot is freed when its fd is closed and no area holds it.
    var dmabufs: [DmaBuf] = []
    /// Ids the kernel freed but keeps from reuse until the fd closes, sorted: a vDEVICE destroyed
    /// with its device leaves a tombstone (main.c `iommufd_object_tombstone_user`: the xarray slot
    /// holds XA_ZERO_ENTRY, so `IOMMU_DESTROY` finds nothing — ENOENT — and `xa_alloc` skips it).
    var tombstones: [UInt32] = []
    /// The selftest's mock devices keep four cache slots (`mock_dev->cache`), each
    /// `IOMMU_TEST_DEV_CACHE_DEFAULT` until a vIOMMU invalidation zeroes it: bit 4d+i set, slot i of
    /// device d is zero. A bind makes a new mock device, all slots default. Empty until a bit is set.
    var mockCacheCleared: [UInt8] = []

    /// A copy whose buffers are its own (`IOMMUFDState.unshared`).
    func unshared() -> RareFields {
        RareFields(fileSizes: fileSizes.map { $0 }, dmabufs: dmabufs.map { $0 }, tombstones: tombstones.map { $0 },
                   mockCacheCleared: mockCacheCleared.map { $0 })
    }

    final class Box: Hashable, Sendable {
        let value: RareFields
        init(_ value: RareFields) { self.value = value }

        /// The box of every state that has none of these fields set.
        static let empty = Box(RareFields())

        static func == (a: Box, b: Box) -> Bool { a === b || a.value == b.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }
}

extension IOMMUFDState {
    /// Writes one rare field: a new box (or the shared empty one when all are empty again).
    private mutating func setRare<T>(_ field: WritableKeyPath<RareFields, T>, _ value: T) {
        var v = rare.value
        v[keyPath: field] = value
        rare = v == RareFields() ? .empty : RareFields.Box(v)
    }

    // Reads go straight to the box: the fingerprint reads two of these for every successor.
    public var fileSizes: [UInt64] { get { rare.value.fileSizes } set { setRare(\.fileSizes, newValue) } }
    public var dmabufs: [DmaBuf] { get { rare.value.dmabufs } set { setRare(\.dmabufs, newValue) } }
    public var tombstones: [UInt32] { get { rare.value.tombstones } set { setRare(\.tombstones, newValue) } }
    public var mockCacheCleared: [UInt8] { get { rare.value.mockCacheCleared } set { setRare(\.mockCacheCleared, newValue) } }
}
