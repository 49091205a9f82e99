/// `IOMMU_HWPT_INVALIDATE` (`domain/iommufd.md` §5.3): a guest's cache invalidation, on a nested
/// HWPT or a vIOMMU, as the reference tree (jgunthorpe/linux 7815c190f793) has it —
/// hw_pagetable.c `iommufd_hwpt_invalidate`; the drivers' `cache_invalidate_user` (selftest.c
/// `mock_hwpt_nested_cache_invalidate_user`, intel/nested.c) and vIOMMU `cache_invalidate`
/// (selftest.c `mock_viommu_cache_invalidate`, arm-smmu-v3-iommufd.c
/// `arm_vsmmu_cache_invalidate` / `arm_vsmmu_convert_user_cmd`).
///
/// What an entry invalidates in the model's IOTLB: the mock's IOTLB ids and device cache ids are
/// slots of the mock, not addresses, and the model's combined entries carry no ASID, so every
/// entry that reaches the hardware removes all the cached translations of its target — the
/// nested domain's, or the device's under the vIOMMU's nested domains. An over-approximation in
/// the guest's favour: a guest that invalidates anything loses nothing stale.
extension IOMMUFD {
    /// The IOCTL: the core's checks, then the target's driver. `entry_num` comes back as the number
    /// of entries handled, on failure too; entries handled before a failure stay done.
    func hwptInvalidate(_ a: InvalidateArgs, _ s: inout IOMMUFDState) -> Step {
        func result(_ errno: Errno?, handled: UInt32) -> Step {
            let out = [OutputField("entry_num", .number(UInt64(handled)))]
            guard let errno else { return Step(outcome: Outcome(.ok, outputs: out, principal: UInt64(handled))) }
            return Step(outcome: Outcome(.errno(errno), outputs: out), keepsPartialState: handled > 0)
        }
        guard a.reserved == 0 else { return result(.EOPNOTSUPP, handled: 0) }
        guard a.entryNum == 0 || (a.dataUptr != 0 && a.entryLen != 0) else { return result(.EINVAL, handled: 0) }
        guard let object = s.object(a.hwptID) else { return result(.ENOENT, handled: 0) }
        let driver: InvalidateDriver
        switch object.body {
        case .hwptNested(let n):
            guard let domain = s.hardware.domain(n.domain), let d = InvalidateDriver(nestedOn: topology.iommus[domain.iommu].preset) else {
                return result(.EOPNOTSUPP, handled: 0)
            }
            driver = d
        case .viommu(let v):
            guard let d = InvalidateDriver(viommuType: v.type) else { return result(.EOPNOTSUPP, handled: 0) }
            driver = d
        default:
            // A paging HWPT or anything else (older trees said ENOENT for a paging HWPT).
            return result(.EINVAL, handled: 0)
        }
        // The array's type and entry size, checked before any entry.
        guard a.dataType == driver.dataType, a.entryNum == 0 || a.entryLen == driver.entryLen else { return result(.EINVAL, handled: 0) }
        var handled: UInt32 = 0
        var unissued: [InvalidateEntry] = []
        // Entries past the arrays are zeroed and all alike: the first of them stands for the rest
        // (an entry_num near 2^32 costs one step, not four billion).
        let explicit = min(Int(a.entryNum), a.entries.count + 1)
        for i in 0..<explicit {
            let entry = i < a.entries.count ? a.entries[i] : InvalidateEntry()
            if let errno = driver.refusal(of: entry, a.hwptID, self, s) {
                // SMMUv3 counts the commands it converted as handled, though those since the last
                // issued batch never reach the queue (`goto out` skips the issue).
                if !unissued.isEmpty {
                    if config.smmuInvalidateIssuesBeforeError {
                        for e in unissued { perform(e, on: a.hwptID, &s) }
                    } else {
                        for e in unissued { perform(e, on: a.hwptID, &s, dropped: true) }
                    }
                }
                return result(errno, handled: handled)
            }
            handled += 1
            clearMockSlots(entry, driver: driver, targetID: a.hwptID, &s)
            if driver.batches {
                unissued.append(entry)
                // arm_smmu_cmdq_issue_cmdlist every CMDQ_BATCH_ENTRIES - 1 commands, and at the end.
                if unissued.count == Self.smmuBatch - 1 || i == explicit - 1 {
                    for e in unissued { perform(e, on: a.hwptID, &s) }
                    unissued = []
                }
            } else {
                perform(entry, on: a.hwptID, &s)
            }
        }
        handled += a.entryNum - UInt32(explicit)
        return result(nil, handled: handled)
    }

    /// The mock's own caches, which the selftest reads back (`IOMMU_TEST_OP_MD_CHECK_IOTLB`,
    /// `IOMMU_TEST_OP_DEV_CHECK_CACHE`): an entry zeroes the slot it names, or all four with
    /// `IOMMU_TEST_INVALIDATE_FLAG_ALL`.
    func clearMockSlots(_ entry: InvalidateEntry, driver: InvalidateDriver, targetID: UInt32, _ s: inout IOMMUFDState) {
        let all = entry.flags & IOMMUFDConstants.IOMMU_TEST_INVALIDATE_FLAG_ALL != 0
        switch driver.kind {
        case .mockNested:
            guard let i = s.objectIndex(targetID), case .hwptNested(var n) = s.objects[i].body else { return }
            n.mockIOTLBCleared |= all ? 0xf : 1 << UInt8(entry.iotlbID)
            s.objects[i].body = .hwptNested(n)
        case .mockVIOMMU:
            guard let device = vdevices(of: targetID, s).first(where: { $0.vdev.virtID == entry.vdevID })?.vdev.device else { return }
            s.clearMockCache(device: device, slots: all ? 0xf : 1 << UInt8(entry.cacheID))
        case .vtdNested, .smmuVIOMMU:
            break
        }
    }

    /// `IOMMU_TEST_OP_MD_CHECK_IOTLB`: slot `iotlbID` of a mock nested HWPT holds `value`
    /// (selftest.c `iommufd_test_md_check_iotlb`: not a nested HWPT ENOENT, not the mock's EINVAL,
    /// a slot past 3 or another value EINVAL).
    func checkMockIOTLB(hwptID: UInt32, iotlbID: UInt32, value: UInt64, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        guard let n = s.nested(hwptID) else { throw .ENOENT }
        guard let d = s.hardware.domain(n.domain), InvalidateDriver(nestedOn: d.preset)?.kind == .mockNested else { throw .EINVAL }
        guard iotlbID <= IOMMUFDConstants.MOCK_NESTED_DOMAIN_IOTLB_ID_MAX else { throw .EINVAL }
        let now = n.mockIOTLBCleared & (1 << UInt8(iotlbID)) != 0 ? 0 : IOMMUFDConstants.IOMMU_TEST_IOTLB_DEFAULT
        guard now == value else { throw .EINVAL }
        return .ok
    }

    /// `IOMMU_TEST_OP_DEV_CHECK_CACHE`: slot `cacheID` of a mock device holds `value`
    /// (selftest.c `iommufd_test_dev_check_cache`).
    func checkMockCache(devID: UInt32, cacheID: UInt32, value: UInt64, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        guard case .device(let device)? = s.object(devID)?.body else { throw .ENOENT }
        guard topology.iommu(of: device).preset.format.family == .mock || topology.iommu(of: device).preset.format.family == .tiny else { throw .EINVAL }
        guard cacheID <= IOMMUFDConstants.MOCK_DEV_CACHE_ID_MAX else { throw .EINVAL }
        let now = s.mockCacheSlotCleared(device: device, slot: cacheID) ? 0 : IOMMUFDConstants.IOMMU_TEST_DEV_CACHE_DEFAULT
        guard now == value else { throw .EINVAL }
        return .ok
    }

    /// `CMDQ_BATCH_ENTRIES` (`BITS_PER_LONG`).
    static let smmuBatch = 64

    /// An entry reaching the hardware: the target's combined entries go — or, `dropped`, are only
    /// marked as owed by the host.
    func perform(_ entry: InvalidateEntry, on targetID: UInt32, _ s: inout IOMMUFDState, dropped: Bool = false) {
        let matching = invalidated(by: entry, targetID, s)
        if dropped { s.hardware.iotlb.markDropped(where: matching) } else { s.hardware.iotlb.invalidate(where: matching) }
    }

    /// The IOTLB entries an entry covers: a nested HWPT's, or under a vIOMMU those of its nested
    /// domains — all of them for the TLBI commands and the mock's, the named device's for SMMUv3's
    /// ATC and CD commands.
    func invalidated(by entry: InvalidateEntry, _ targetID: UInt32, _ s: IOMMUFDState) -> (IOTLBEntry) -> Bool {
        if let n = s.nested(targetID) {
            let tag = UInt32(n.domain)
            return { $0.tag == tag }
        }
        let tags = Set(s.objects.compactMap { o -> UInt32? in
            if case .hwptNested(let n) = o.body, n.viommu == targetID { return UInt32(n.domain) }
            return nil
        })
        guard let viommu = s.viommu(targetID) else { return { _ in false } }
        let byDevice = viommu.type == IOMMUFDConstants.IOMMU_VIOMMU_TYPE_SELFTEST || SMMUCommand(entry.opcode)?.namesDevice == true
        guard byDevice, let device = vdevices(of: targetID, s).first(where: { $0.vdev.virtID == entry.vdevID })?.vdev.device else {
            return { tags.contains($0.tag) }
        }
        let group = UInt32(topology.devices[device].group)
        return { tags.contains($0.tag) && $0.key.device == group }
    }
}

/// One request of the array, as the union of the structs the model knows: the mock's
/// `{flags, iotlb_id}` and `{flags, vdev_id, cache_id}`, VT-d's `flags`, and SMMUv3's command
/// opcode with the virtual stream id it names (`vdev_id`).
public struct InvalidateEntry: Hashable, Sendable {
    public var flags: UInt32 = 0
    public var iotlbID: UInt32 = 0
    public var vdevID: UInt64 = 0
    public var cacheID: UInt32 = 0
    public var opcode: UInt32 = 0

    public init(flags: UInt32 = 0, iotlbID: UInt32 = 0, vdevID: UInt64 = 0, cacheID: UInt32 = 0, opcode: UInt32 = 0) {
        self.flags = flags
        self.iotlbID = iotlbID
        self.vdevID = vdevID
        self.cacheID = cacheID
        self.opcode = opcode
    }
}

/// The fields of `struct iommu_hwpt_invalidate`, with its entries.
public struct InvalidateArgs: Hashable, Sendable {
    public var hwptID: UInt32
    public var dataUptr: UInt64
    public var dataType: UInt32
    public var entryLen: UInt32
    public var entryNum: UInt32
    public var reserved: UInt32
    public var entries: [InvalidateEntry]

    public init(hwptID: UInt32, dataUptr: UInt64 = 1, dataType: UInt32, entryLen: UInt32, entryNum: UInt32, reserved: UInt32 = 0,
                entries: [InvalidateEntry] = []) {
        self.hwptID = hwptID
        self.dataUptr = dataUptr
        self.dataType = dataType
        self.entryLen = entryLen
        self.entryNum = entryNum
        self.reserved = reserved
        self.entries = entries
    }
}

/// SMMUv3 commands a guest may queue (`arm_vsmmu_convert_user_cmd`): the stage-1 TLB ones (NSNH_ALL
/// becomes NH_ALL), and those naming a device by its virtual stream id.
enum SMMUCommand {
    case tlbi, byDevice

    init?(_ opcode: UInt32) {
        switch opcode {
        case 0x10, 0x11, 0x12, 0x13, 0x30: self = .tlbi           // TLBI_NH_ALL/ASID/VA/VAA, TLBI_NSNH_ALL
        case 0x40, 0x05, 0x06: self = .byDevice                  // ATC_INV, CFGI_CD, CFGI_CD_ALL
        default: return nil
        }
    }

    var namesDevice: Bool { self == .byDevice }
}

/// The driver behind an invalidation target: its data type, entry size and per-entry checks.
struct InvalidateDriver {
    enum Kind { case mockNested, vtdNested, mockVIOMMU, smmuVIOMMU }
    let kind: Kind

    /// A nested HWPT's driver: the mock's (and the tiny tables', which take it) and VT-d's have
    /// `cache_invalidate_user`; SMMUv3's nested domains have none (a guest invalidates through its
    /// vIOMMU).
    init?(nestedOn preset: FormatPreset) {
        switch preset.format.family {
        case .mock, .tiny: kind = .mockNested
        case .vtdSecondStage, .x86FirstStage: kind = .vtdNested
        case .armLPAE: return nil
        }
    }

    /// A vIOMMU's `cache_invalidate`: the mock's and SMMUv3's.
    init?(viommuType: UInt32) {
        switch viommuType {
        case IOMMUFDConstants.IOMMU_VIOMMU_TYPE_SELFTEST: kind = .mockVIOMMU
        case IOMMUFDConstants.IOMMU_VIOMMU_TYPE_ARM_SMMUV3: kind = .smmuVIOMMU
        default: return nil
        }
    }

    var dataType: UInt32 {
        typealias C = IOMMUFDConstants
        switch kind {
        case .mockNested: return C.IOMMU_HWPT_INVALIDATE_DATA_SELFTEST
        case .vtdNested: return C.IOMMU_HWPT_INVALIDATE_DATA_VTD_S1
        case .mockVIOMMU: return C.IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST
        case .smmuVIOMMU: return C.IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3
        }
    }

    /// `sizeof` the driver's struct: `{flags, iotlb_id}`, `{addr, npages, flags, __reserved}`,
    /// `{flags, vdev_id, cache_id}`, `{cmd[2]}`.
    var entryLen: UInt32 {
        switch kind {
        case .mockNested: return 8
        case .vtdNested: return 24
        case .mockVIOMMU: return 12
        case .smmuVIOMMU: return 16
        }
    }

    /// SMMUv3 queues converted commands in batches; the others act entry by entry.
    var batches: Bool { kind == .smmuVIOMMU }

    /// The errno an entry stops the array with, in the driver's order of checks.
    func refusal(of e: InvalidateEntry, _ targetID: UInt32, _ machine: IOMMUFD, _ s: IOMMUFDState) -> Errno? {
        typealias C = IOMMUFDConstants
        switch kind {
        case .mockNested:
            if e.flags & ~C.IOMMU_TEST_INVALIDATE_FLAG_ALL != 0 { return .EOPNOTSUPP }
            if e.iotlbID > C.MOCK_NESTED_DOMAIN_IOTLB_ID_MAX { return .EINVAL }
        case .vtdNested:
            if e.flags & ~C.IOMMU_VTD_INV_FLAGS_LEAF != 0 { return .EOPNOTSUPP }
        case .mockVIOMMU:
            if e.flags & ~C.IOMMU_TEST_INVALIDATE_FLAG_ALL != 0 { return .EOPNOTSUPP }
            if e.cacheID > C.MOCK_DEV_CACHE_ID_MAX { return .EINVAL }
            // iommufd_viommu_find_dev: the virtual id must name a vDEVICE of this vIOMMU.
            if !machine.vdevices(of: targetID, s).contains(where: { $0.vdev.virtID == e.vdevID }) { return .EINVAL }
        case .smmuVIOMMU:
            guard let command = SMMUCommand(e.opcode) else { return .EIO }
            // arm_vsmmu_vsid_to_sid: an unknown virtual stream id.
            if command.namesDevice, !machine.vdevices(of: targetID, s).contains(where: { $0.vdev.virtID == e.vdevID }) { return .EIO }
        }
        return nil
    }
}
