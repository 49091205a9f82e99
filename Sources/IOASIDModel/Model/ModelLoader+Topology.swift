/// `iommu`, `device`, `memory`, `host` and `vsva` statements.
extension ModelLoader {
    mutating func buildTopology() throws(Diagnostic) -> Topology {
        var host = HostConfig()
        for a in syntax.host {
            switch (a.key.value, a.value) {
            case ("page-size", let v?):
                let size = try number(v)
                guard [4096, 16384, 65536].contains(size) else { throw error("host page-size must be 4K, 16K or 64K", at: v) }
                host.pageSize = size
            case ("cap-sys-resource", nil): host.capSysResource = true
            case ("cap-ipc-lock", nil): host.capIPCLock = true
            default:
                let known = ["page-size", "cap-sys-resource", "cap-ipc-lock"]
                if known.contains(a.key.value) {
                    throw error(a.key.value == "page-size" ? "host page-size needs a value: page-size=4K" : "host \(a.key.value) takes no value", at: a.key)
                }
                throw error(Suggestion.message("unknown host attribute '\(a.key.value)'", for: a.key.value, in: known), at: a.key)
            }
        }
        var iommus: [IOMMUSpec] = []
        for (name, attrs) in syntax.iommus {
            if iommuNames.contains(name.value) { throw error("duplicate IOMMU name '\(name.value)'", at: name) }
            iommus.append(try iommu(name, attrs))
            iommuNames.append(name.value)
        }
        guard !iommus.isEmpty || syntax.devices.isEmpty else {
            throw error("a device needs an IOMMU: declare one with 'iommu NAME format=…'", at: syntax.devices[0].name)
        }
        var devices: [DeviceSpec] = []
        for (name, attrs) in syntax.devices {
            if deviceNames.contains(name.value) || iommuNames.contains(name.value) {
                throw error("duplicate name '\(name.value)'", at: name)
            }
            guard devices.count < 64 else { throw error("at most 64 devices", at: name) }
            devices.append(try device(name, attrs, iommus))
            deviceNames.append(name.value)
        }
        var memory: [MemoryRegion] = []
        for line in syntax.memory {
            guard line.words.count == 2 else {
                throw error("expected 'memory START+LEN ro|invalid|huge'", at: SourceLocation(file: syntax.path, line: line.line, column: 1))
            }
            guard let kind = MemoryRegion.Kind(rawValue: line.words[1].value) else {
                throw error(Suggestion.message("expected 'ro', 'invalid' or 'huge'", for: line.words[1].value, in: ["ro", "invalid", "huge"]), at: line.words[1])
            }
            memory.append(MemoryRegion(range: try span(line.words[0]), kind: kind))
        }
        var vsva: [Int] = []
        if let line = syntax.vsva {
            vsva = Array(devices.indices)
            for w in line.words {
                guard w.value.hasPrefix("devices=") else { throw error("expected 'vsva [devices=a,b,…]'", at: w) }
                let list = part(w, w.value.dropFirst(8), offset: 8)
                vsva = try split(list, on: ",").map { d throws(Diagnostic) in try deviceIndex(d) }
            }
        }
        var topology = Topology(iommus: iommus, devices: devices, groups: groupNames, memory: memory, host: host, vsvaDevices: vsva)
        topology.memfds = try memfds()
        return topology
    }

    /// `memfd NAME size=SIZE [va=ADDR]`: its pages appear at `va` in user memory (a slot of its own
    /// when not written), so `[va, va+size)` must not wrap.
    mutating func memfds() throws(Diagnostic) -> [MemfdSpec] {
        var out: [MemfdSpec] = []
        for (name, attrs) in syntax.memfds {
            if memfdNames.contains(name.value) || deviceNames.contains(name.value) || iommuNames.contains(name.value) || groupNames.contains(name.value) {
                throw error("duplicate name '\(name.value)'", at: name)
            }
            guard out.count < 32 else { throw error("at most 32 memfds", at: name) }
            var size: UInt64?, va = MemfdSpec.defaultVA(out.count)
            for a in attrs {
                switch (a.key.value, a.value) {
                case ("size", let v?): size = try number(v)
                case ("va", let v?): va = try number(v)
                default:
                    let known = ["size", "va"]
                    if known.contains(a.key.value) { throw error("'\(a.key.value)' needs a value", at: a.key) }
                    throw error(Suggestion.message("unknown memfd attribute '\(a.key.value)'", for: a.key.value, in: known), at: a.key)
                }
            }
            guard let size else { throw error("memfd '\(name.value)' needs size=SIZE", at: name) }
            guard IOVARange(start: va, length: max(size, 1)) != nil else { throw error("memfd '\(name.value)' at \(SizeText.hex(va)) wraps past 2^64", at: name) }
            out.append(MemfdSpec(name: name.value, size: size, va: va))
            memfdNames.append(name.value)
        }
        return out
    }

    func iommu(_ name: Located<String>, _ attrs: [Attribute]) throws(Diagnostic) -> IOMMUSpec {
        let known = ["format", "pgsizes", "pasid-bits", "coherent", "noncoherent", "no-cache-coherency", "nesting", "aperture", "windows"]
        guard let formatAttr = attrs.first(where: { $0.key.value == "format" }), let fw = formatAttr.value else {
            throw error("iommu '\(name.value)' needs format=PRESET", at: name)
        }
        let p = try preset(fw)
        var spec = IOMMUSpec(name: name.value, preset: p)
        for a in attrs {
            let v = a.value
            switch (a.key.value, v) {
            case ("format", _?): break
            case ("pgsizes", let v?):
                var bitmap: UInt64 = 0
                for w in split(v, on: ",") {
                    let size = try number(w)
                    guard p.format.leafSizes.contains(size) else {
                        throw error("\(w.value) is not a leaf size of \(p.rawValue) (\(p.format.leafSizes))", at: w)
                    }
                    bitmap |= size
                }
                spec.pageSizes = PageSizes(bitmap: bitmap)
            case ("pasid-bits", let v?): spec.pasidBits = Int(try number(v, max: 20))
            case ("coherent", nil): spec.canEnforceCoherency = true
            case ("noncoherent", nil): spec.canEnforceCoherency = false
            case ("no-cache-coherency", nil): spec.honoursCache = false
            case ("nesting", nil):
                guard p.format.family != .x86FirstStage else { throw error("nesting is allowed on arm-lpae-*, vtd-sl-*, tiny-* and mock presets", at: a.key) }
                spec.nesting = true
            case ("aperture", let v?):
                let r = try range(v)
                guard r.last < p.format.inputLimit || p.format.inputLimit == 0 else {
                    throw error("aperture \(v.value) goes past the \(p.rawValue) input range", at: v)
                }
                spec.aperture = r
            case ("windows", let v?): spec.windows = Int(try number(v, max: 16))
                guard spec.windows >= 1 else { throw error("windows must be at least 1", at: v) }
            default:
                if known.contains(a.key.value) {
                    throw error(v == nil ? "'\(a.key.value)' needs a value" : "'\(a.key.value)' takes no value", at: a.key)
                }
                throw error(Suggestion.message("unknown iommu attribute '\(a.key.value)'", for: a.key.value, in: known), at: a.key)
            }
        }
        return spec
    }

    mutating func device(_ name: Located<String>, _ attrs: [Attribute], _ iommus: [IOMMUSpec]) throws(Diagnostic) -> DeviceSpec {
        let known = ["iommu", "group", "pasid-bits", "reserved", "no-dirty"]
        guard let iommuAttr = attrs.first(where: { $0.key.value == "iommu" }), let iw = iommuAttr.value else {
            throw error("device '\(name.value)' needs iommu=NAME", at: name)
        }
        guard let iommu = iommuNames.firstIndex(of: iw.value) else {
            throw error(Suggestion.message("unknown IOMMU '\(iw.value)'", for: iw.value, in: iommuNames), at: iw)
        }
        var spec = DeviceSpec(name: name.value, iommu: iommu, group: -1)
        var groupName = name.value
        for a in attrs {
            switch (a.key.value, a.value) {
            case ("iommu", _?): break
            case ("group", let v?):
                guard ModelParser.isName(v.value) else { throw error("'\(v.value)' is not a name", at: v) }
                if iommuNames.contains(v.value) || (deviceNames.contains(v.value) && v.value != name.value && !groupNames.contains(v.value)) {
                    throw error("group name '\(v.value)' is already an IOMMU or device name", at: v)
                }
                groupName = v.value
            case ("pasid-bits", let v?): spec.pasidBits = Int(try number(v, max: 20))
            case ("reserved", let v?): spec.reserved += try split(v, on: ",").map { w throws(Diagnostic) in try span(w) }
            case ("no-dirty", nil): spec.dirtyTracking = false
            default:
                if known.contains(a.key.value) { throw error("'\(a.key.value)' \(a.value == nil ? "needs a value" : "takes no value")", at: a.key) }
                throw error(Suggestion.message("unknown device attribute '\(a.key.value)'", for: a.key.value, in: known), at: a.key)
            }
        }
        if let g = groupNames.firstIndex(of: groupName) {
            guard groupIOMMU[g] == iommu else {
                throw error("devices of group '\(groupName)' sit behind different IOMMUs", at: name)
            }
            spec.group = g
        } else {
            spec.group = groupNames.count
            groupNames.append(groupName)
            groupIOMMU.append(iommu)
        }
        return spec
    }

    func deviceIndex(_ w: Located<String>) throws(Diagnostic) -> Int {
        guard let i = deviceNames.firstIndex(of: w.value) else {
            throw error(Suggestion.message("unknown device '\(w.value)'", for: w.value, in: deviceNames), at: w)
        }
        return i
    }
}
