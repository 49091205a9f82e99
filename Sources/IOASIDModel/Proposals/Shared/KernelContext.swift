import Explorer

/// What a design built on the kernel's shared code reads from its model once: the kernel with the
/// model's knobs, the `explore` bounds as an action space (pairs, user addresses, probes), the
/// `ops` words in force, and which devices are interchangeable.
struct KernelContext: Sendable {
    let kernel: IOMMUFD
    let space: ActionSpace
    let groupWords: Set<String>
    let symmetry: IOMMUFDSymmetry?

    init(model: Model, config: IOMMUFDConfig? = nil) {
        let config = config ?? model.config
        kernel = IOMMUFD(topology: model.topology, config: config)
        let bounds = model.explore ?? ExploreBounds()
        space = ActionSpace(topology: model.topology, bounds: bounds, config: config)
        groupWords = bounds.groups
        let s = IOMMUFDSymmetry(topology: model.topology, distinguished: Set(model.goals.flatMap(\.atoms).flatMap(\.devices)))
        symmetry = s.isTrivial ? nil : s
    }

    private init(kernel: IOMMUFD, space: ActionSpace, groupWords: Set<String>, symmetry: IOMMUFDSymmetry?) {
        self.kernel = kernel
        self.space = space
        self.groupWords = groupWords
        self.symmetry = symmetry
    }

    /// A copy sharing no buffer with this one, for one worker: workers then never contend on the
    /// reference counts of the topology's arrays.
    func replica() -> KernelContext {
        var kernel = self.kernel
        kernel.topology = kernel.topology.replica()
        let space = ActionSpace(topology: kernel.topology, bounds: self.space.bounds, config: self.space.config)
        return KernelContext(kernel: kernel, space: space, groupWords: groupWords, symmetry: symmetry)
    }

    /// The fingerprint of `state`, or with `symmetric` that of its canonical form: interchangeable
    /// devices sorted by `signature` (what the state says about a device), renamed by `rename` (a
    /// permutation of devices and groups); `encode` writes a state's layout.
    func fingerprint<S>(_ state: S, symmetric: Bool, encode: (S, inout Fingerprint) -> Void, signature: (S, Int) -> UInt64,
                        rename: (S, _ devices: [Int], _ groups: [Int]) -> S) -> UInt64 {
        var f = Fingerprint()
        if symmetric, let symmetry, let p = symmetry.canonicalRenaming(signature: { signature(state, $0) }) {
            encode(rename(state, p.devices, p.groups), &f)
        } else {
            encode(state, &f)
        }
        return f.value
    }
}
