/// Names of the operations `check --sleep-sets` may put to sleep: the default groups' (IOAS
/// alloc, fixed map, unmap, paging HWPT alloc, bind, attach, detach, close, destroy), as the
/// action space generates them. Every field of the operation is in its key, each in a range it
/// is checked to fit (an operation that does not fit has no key), so different operations never
/// share one. Small fields go low: the frontier stores keys as varints.
enum IOMMUFDSleepKey {
    /// `value` placed above `shift` bits, when it is below `2^bits`.
    private static func field(_ value: UInt64, bits: UInt64, at shift: UInt64) -> UInt64? {
        value < 1 << bits ? value << shift : nil
    }

    static func key(of op: IOMMUFDOperation, in space: ActionSpace) -> UInt64? {
        // The kind in the low 4 bits; the payload from bit 4 on, at most 58 bits.
        func make(_ kind: UInt64, _ parts: UInt64?...) -> UInt64? {
            var key = kind
            for p in parts {
                guard let p else { return nil }
                key |= p << 4
            }
            return key
        }
        switch op {
        case .ioasAlloc(let flags):
            return make(1, field(UInt64(flags), bits: 32, at: 0))
        case .ioasMap(let a):
            guard a.reserved == 0, a.process == 0, let pair = space.pairIndex(iova: a.iova, length: a.length),
                  let va = userVAIndex(a.userVA, iova: a.iova, space) else { return nil }
            return make(2, field(UInt64(a.flags), bits: 4, at: 0), field(va, bits: 4, at: 4), field(UInt64(a.ioasID), bits: 16, at: 8),
                        field(UInt64(pair), bits: 24, at: 24))
        case .ioasUnmap(let id, let iova, let length):
            if iova == 0, length == .max { return make(3, field(UInt64(id), bits: 16, at: 1)) }
            guard let pair = space.pairIndex(iova: iova, length: length) else { return nil }
            return make(3, 1, field(UInt64(id), bits: 16, at: 1), field(UInt64(pair), bits: 24, at: 17))
        case .hwptAlloc(let a):
            guard a == HWPTAllocArgs(flags: a.flags, devID: a.devID, ptID: a.ptID) else { return nil }
            return make(4, field(UInt64(a.flags), bits: 8, at: 0), field(UInt64(a.devID), bits: 16, at: 8), field(UInt64(a.ptID), bits: 16, at: 24))
        case .bind(let device, let fd, let flags):
            guard fd == nil, flags == 0 else { return nil }
            return make(5, field(UInt64(device), bits: 16, at: 0))
        case .attach(let device, let flags, let pt, let pasid):
            return make(6, field(UInt64(flags), bits: 4, at: 0), field(UInt64(device), bits: 8, at: 4), field(UInt64(pt), bits: 16, at: 12),
                        field(UInt64(pasid), bits: 24, at: 28))
        case .detach(let device, let flags, let pasid):
            return make(7, field(UInt64(flags), bits: 4, at: 0), field(UInt64(device), bits: 8, at: 4), field(UInt64(pasid), bits: 24, at: 12))
        case .close(let device):
            return make(8, field(UInt64(device), bits: 16, at: 0))
        case .destroy(let id):
            return make(9, field(UInt64(id), bits: 32, at: 0))
        default:
            return nil
        }
    }

    /// 0 for the default user address of `iova`, k + 1 for the `explore` line's k-th.
    private static func userVAIndex(_ va: UInt64, iova: UInt64, _ space: ActionSpace) -> UInt64? {
        if let listed = space.bounds.userVAs {
            return listed.firstIndex(of: va).map { UInt64($0) + 1 }
        }
        return va == iova &+ 0x1_0000_0000 ? 0 : nil
    }
}
