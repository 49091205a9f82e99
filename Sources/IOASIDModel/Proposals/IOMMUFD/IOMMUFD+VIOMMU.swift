/// vIOMMUs and vDEVICEs (`domain/iommufd.md` §7), as the reference tree (jgunthorpe/linux
/// 7815c190f793) has them: `drivers/iommu/iommufd/viommu.c` (`iommufd_viommu_alloc_ioctl`,
/// `iommufd_vdevice_alloc_ioctl`, `iommufd_vdevice_abort`), `hw_pagetable.c`
/// (`iommufd_viommu_alloc_hwpt_nested`), `device.c` (`iommufd_device_pre_destroy`) and the
/// drivers' `get_viommu_size` / `viommu_init`.
extension IOMMUFD {
    /// The vIOMMU type a device's driver offers (`ops->get_viommu_size` non-zero), nil when the
    /// driver has no vIOMMU ops. SMMUv3 (`arm_smmu_get_viommu_size`) offers ARM_SMMUV3 on an
    /// instance with nesting (Tegra241 CMDQV, an implementation extension, is not modelled);
    /// VT-d has no vIOMMU ops; the selftest's mock offers its own type (`mock_get_viommu_size`),
    /// and the model's tiny tables, hardware that exists only here, take the mock's driver.
    func viommuType(of iommuIndex: Int) -> UInt32? {
        typealias C = IOMMUFDConstants
        let iommu = topology.iommus[iommuIndex]
        switch iommu.preset.format.family {
        case .armLPAE: return iommu.nesting ? C.IOMMU_VIOMMU_TYPE_ARM_SMMUV3 : nil
        case .mock, .tiny: return C.IOMMU_VIOMMU_TYPE_SELFTEST
        case .vtdSecondStage, .x86FirstStage: return nil
        }
    }

    /// `IOMMU_VIOMMU_ALLOC`, in `iommufd_viommu_alloc_ioctl`'s order of checks.
    func viommuAlloc(_ a: VIOMMUAllocArgs, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard a.flags == 0, a.type != C.IOMMU_VIOMMU_TYPE_DEFAULT else { throw .EOPNOTSUPP }
        guard case .device(let device)? = s.object(a.devID)?.body else { throw .ENOENT }
        let iommuIndex = topology.devices[device].iommu
        // No get_viommu_size / viommu_init, or a size of 0 for this type.
        guard let offered = viommuType(of: iommuIndex), offered == a.type else { throw .EOPNOTSUPP }
        // iommufd_get_hwpt_paging: anything but a HWPT_PAGING is ENOENT (hwpt_id 0 included).
        guard let parent = s.paging(a.hwptID) else { throw .ENOENT }
        guard parent.nestParent else { throw .EINVAL }
        // The reference tree's viommu_init no longer compares the parent's instance with the
        // device's (the check of v6.13's arm_vsmmu_alloc was dropped when allocation moved into
        // the core): a nested domain's attach is where instances must agree.
        var viommu = VIOMMU(hwpt: a.hwptID, iommu: iommuIndex, type: a.type)
        var outputs: [OutputField] = []
        if a.dataLen != 0, a.type == IOMMUFDConstants.IOMMU_VIOMMU_TYPE_SELFTEST {
            // mock_viommu_init with data: an MMIO region of two pages at the lowest free offset of
            // the fd's mmap space (`mtree_alloc_range` on `ictx->mt_mmap`).
            let offset = lowestFreeMmapOffset(s)
            viommu.mmapOffset = offset
            outputs = [OutputField("out_mmap_offset", .number(offset)), OutputField("out_mmap_length", .number(Self.mockMmapLength(pageSize)))]
        }
        let id = s.insertObject(.viommu(viommu))
        s.addUsers(a.hwptID, 1)
        return Outcome(.ok, outputs: [OutputField("out_viommu_id", .number(UInt64(id)))] + outputs, principal: UInt64(id))
    }

    /// The mock vIOMMU's region: two pages.
    static func mockMmapLength(_ page: UInt64) -> UInt64 { 2 * page }

    func lowestFreeMmapOffset(_ s: IOMMUFDState) -> UInt64 {
        let length = Self.mockMmapLength(pageSize)
        let taken = s.objects.compactMap { o -> UInt64? in
            if case .viommu(let v) = o.body { return v.mmapOffset }
            return nil
        }.sorted()
        var offset: UInt64 = 0
        for t in taken where t < offset &+ length { offset = t + length }
        return offset
    }

    /// `mmap()` of the iommufd at `offset` for `length` bytes (main.c `iommufd_fops_mmap`): only a
    /// whole region exactly is mapped (ENXIO otherwise); the mapping holds the vIOMMU.
    func mmapRegion(offset: UInt64, length: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        let regionLength = Self.mockMmapLength(pageSize)
        guard let i = s.objects.firstIndex(where: { o in
            if case .viommu(let v) = o.body, let start = v.mmapOffset { return offset >= start && offset - start < regionLength }
            return false
        }), case .viommu(var v) = s.objects[i].body else { throw .ENXIO }
        guard v.mmapOffset == offset, length == regionLength else { throw .ENXIO }
        v.mmapCount += 1
        s.objects[i].body = .viommu(v)
        s.addUsers(s.objects[i].id, 1)
        return .ok
    }

    /// `munmap()` of a mapping `mmapRegion` made (`iommufd_fops_vma_close`); EINVAL when none.
    func munmapRegion(offset: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let i = s.objects.firstIndex(where: { o in
            if case .viommu(let v) = o.body { return v.mmapOffset == offset && v.mmapCount > 0 }
            return false
        }), case .viommu(var v) = s.objects[i].body else { throw .EINVAL }
        v.mmapCount -= 1
        s.objects[i].body = .viommu(v)
        s.addUsers(s.objects[i].id, -1)
        return .ok
    }

    /// `IOMMU_VDEVICE_ALLOC`, in `iommufd_vdevice_alloc_ioctl`'s order of checks. `virt_id >
    /// ULONG_MAX` cannot happen on the 64-bit kernel the model is.
    func vdeviceAlloc(viommuID: UInt32, devID: UInt32, virtID: UInt64, _ s: inout IOMMUFDState) throws(Errno) -> Outcome {
        guard let viommu = s.viommu(viommuID) else { throw .ENOENT }
        guard case .device(let device)? = s.object(devID)?.body else { throw .ENOENT }
        guard topology.devices[device].iommu == viommu.iommu else { throw .EINVAL }
        // One vDEVICE per device in all (`idev->vdev`), then one device per virtual id in the
        // vIOMMU (`xa_cmpxchg` on `viommu->vdevs`) — unless `vdevice-virt-id = unchecked`.
        guard s.vdevice(of: device) == nil else { throw .EEXIST }
        if config.vdeviceVirtIDChecked, !vdevices(of: viommuID, s).filter({ $0.vdev.virtID == virtID }).isEmpty { throw .EEXIST }
        let id = s.insertObject(.vdevice(VDevice(viommu: viommuID, deviceID: devID, device: device, virtID: virtID)))
        s.addUsers(viommuID, 1)
        return Outcome(.ok, outputs: [OutputField("out_vdevice_id", .number(UInt64(id)))], principal: UInt64(id))
    }

    /// The live vDEVICEs of a vIOMMU, with their ids.
    func vdevices(of viommuID: UInt32, _ s: IOMMUFDState) -> [(id: UInt32, vdev: VDevice)] {
        s.objects.compactMap { o in
            if case .vdevice(let v) = o.body, v.viommu == viommuID { return (o.id, v) }
            return nil
        }
    }

    /// `IOMMU_HWPT_ALLOC` with `pt_id` = a vIOMMU (`iommufd_hwpt_alloc`, then
    /// `iommufd_viommu_alloc_hwpt_nested`): a nested domain over the vIOMMU's parent, holding its
    /// reference on the vIOMMU.
    func viommuNestedAlloc(_ a: HWPTAllocArgs, viommu: VIOMMU, device: Int, _ s: inout IOMMUFDState) throws(Errno) -> UInt32 {
        typealias C = IOMMUFDConstants
        guard viommu.iommu == topology.devices[device].iommu else { throw .EINVAL }
        guard a.flags & ~(C.IOMMU_HWPT_FAULT_ID_VALID | C.IOMMU_HWPT_ALLOC_PASID) == 0 else { throw .EOPNOTSUPP }
        // No driver data (`data_len == 0`).
        guard a.effectiveDataLen != 0 else { throw .EOPNOTSUPP }
        guard let parent = s.paging(viommu.hwpt), let parentDomain = s.hardware.domain(parent.domain) else { throw .EINVAL }
        try checkNestedData(a, device: device)
        let domainID = try allocateNestedDomain(s1: a.s1Format ?? topology.iommu(of: device).stage1Preset, root: a.s1Root,
                                                over: parentDomain, for: device, &s)
        let id = s.insertObject(.hwptNested(HWPTNested(parent: viommu.hwpt, domain: domainID, pasidCompat: a.flags & C.IOMMU_HWPT_ALLOC_PASID != 0,
                                                       viommu: a.ptID)))
        s.addUsers(a.ptID, 1)
        return id
    }

    /// A device's unbind (`iommufd_device_pre_destroy`): its vDEVICE is destroyed and its id left
    /// as a tombstone, dropping the vIOMMU reference (`iommufd_vdevice_abort`). Under
    /// `vdevice-unbind = keep` (the kernels before the tombstone, where the vDEVICE held the
    /// device) it stays, naming a device that is no longer bound.
    func tombstoneVDevice(of device: Int, _ s: inout IOMMUFDState) {
        guard config.vdeviceTombstoned, let (id, vdev) = s.vdevice(of: device) else { return }
        s.removeObject(id)
        s.tombstones.insert(id, at: s.tombstones.firstIndex { $0 > id } ?? s.tombstones.count)
        s.addUsers(vdev.viommu, -1)
    }

    /// The mock's and SMMUv3's attach of a vIOMMU's nested domain needs the device's vDEVICE in
    /// that vIOMMU (selftest.c `mock_domain_nop_attach` and arm-smmu-v3-iommufd.c
    /// `arm_smmu_attach_prepare_vmaster` both ask `iommufd_viommu_get_vdev_id`): ENOENT otherwise.
    func checkVDevice(for device: Int, hwpt: UInt32, _ s: IOMMUFDState) throws(Errno) {
        guard let n = s.nested(hwpt), n.viommu != 0 else { return }
        guard let mine = s.vdevice(of: device), mine.vdev.viommu == n.viommu else { throw .ENOENT }
    }
}

/// The fields of `struct iommu_viommu_alloc` (`data_uptr` aside).
public struct VIOMMUAllocArgs: Hashable, Sendable {
    public var flags: UInt32
    public var type: UInt32
    public var devID: UInt32
    public var hwptID: UInt32
    /// `data_len`: the mock takes `struct iommu_viommu_selftest` and makes an mmap region.
    public var dataLen: UInt32

    public init(flags: UInt32 = 0, type: UInt32, devID: UInt32, hwptID: UInt32, dataLen: UInt32 = 0) {
        self.flags = flags
        self.type = type
        self.devID = devID
        self.hwptID = hwptID
        self.dataLen = dataLen
    }
}
