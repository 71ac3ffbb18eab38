/// One weight array from a Keras file, in Keras's own layout (conv kernels `(kh, kw, in, out)`, depthwise
/// kernels `(kh, kw, in, multiplier)`, dense kernels `(in, out)`), float32, row-major.
public struct KerasTensor: Sendable, Equatable {
    /// The weight's name as Keras stored it, e.g. `conv2d_1/kernel:0`.
    public let name: String
    /// The shape, outermost first.
    public let shape: [Int]
    /// `shape.reduce(1, *)` values.
    public let values: [Float]

    /// Wraps values of a given shape (the count is the caller's responsibility; `KerasWeights` checks it).
    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// The last component of the name without the `:0` suffix (`kernel`, `bias`, `gamma`, `moving_mean`…).
    public var role: String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return last.split(separator: ":").first.map(String.init) ?? last
    }
}
