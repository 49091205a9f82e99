/// `IOMMU_GET_HW_INFO` as `drivers/iommu/iommufd/device.c` `iommufd_get_hw_info` answers it in
/// the reference tree, with each model driver's `hw_info` op: its info type and the length of its
/// struct (the register values inside are not modelled).
extension IOMMUFD {
    func hwInfo(_ a: HWInfoArgs, _ s: IOMMUFDState) throws(Errno) -> Outcome {
        typealias C = IOMMUFDConstants
        guard a.flags & ~C.IOMMU_HW_INFO_FLAG_INPUT_TYPE == 0 else { throw .EOPNOTSUPP }
        guard a.reserved == 0 else { throw .EOPNOTSUPP }
        // Without INPUT_TYPE the type field is cleared: drivers never see a random input.
        let wanted = a.flags & C.IOMMU_HW_INFO_FLAG_INPUT_TYPE != 0 ? a.inDataType : C.IOMMU_HW_INFO_TYPE_DEFAULT
        guard case .device(let device)? = s.object(a.devID)?.body else { throw .ENOENT }
        let iommu = topology.iommu(of: device)
        var type = C.IOMMU_HW_INFO_TYPE_DEFAULT
        var length: UInt32 = 0
        if let driver = Self.hwInfoDriver(iommu.preset) {
            // Each driver's hw_info: the default type or its own, else EOPNOTSUPP.
            guard wanted == C.IOMMU_HW_INFO_TYPE_DEFAULT || wanted == driver.type else { throw .EOPNOTSUPP }
            (type, length) = driver
        }
        var capabilities: UInt64 = 0
        if topology.devices[device].dirtyTracking { capabilities |= C.IOMMU_HW_CAP_DIRTY_TRACKING }
        // dev->iommu->max_pasids: the smaller of the device's and the IOMMU's PASID spaces, when
        // both have one (the model's devices have no PCI PASID EXEC/PRIV bits to report).
        let pasidBits = min(topology.devices[device].pasidBits, iommu.pasidBits)
        return Outcome(.ok, outputs: [OutputField("data_len", .number(UInt64(length))), OutputField("out_data_type", .number(UInt64(type))),
                                      OutputField("out_capabilities", .number(capabilities)),
                                      OutputField("out_max_pasid_log2", .number(UInt64(max(0, pasidBits))))],
                       principal: capabilities)
    }

    /// The `hw_info` op of each model driver and the size of its struct: intel/iommu.c
    /// (`struct iommu_hw_info_vtd`, 24 bytes), arm-smmu-v3-iommufd.c (`struct
    /// iommu_hw_info_arm_smmuv3`, 40 bytes), the selftest's mock (`struct iommu_test_hw_info`,
    /// 8 bytes); the tiny teaching formats have none (type NONE, length 0).
    static func hwInfoDriver(_ preset: FormatPreset) -> (type: UInt32, length: UInt32)? {
        typealias C = IOMMUFDConstants
        switch preset {
        case .armLPAE4K, .armLPAE16K, .armLPAE64K: return (C.IOMMU_HW_INFO_TYPE_ARM_SMMUV3, 40)
        case .vtdSL4, .vtdSL5, .x86FS4, .x86FS5: return (C.IOMMU_HW_INFO_TYPE_INTEL_VTD, 24)
        case .mock, .mockHuge: return (C.IOMMU_HW_INFO_TYPE_SELFTEST, 8)
        case .tiny3x1, .tiny2x2, .tiny3x2: return nil
        }
    }
}
