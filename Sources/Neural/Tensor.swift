/// A float32 tensor that owns its storage: a shape (NHWC, or HWC for batch 1; see `Kernels.swift`) and
/// `shape.product` values in row-major order.
///
/// Model code usually keeps weights as `Tensor`s and runs kernels on their storage through
/// `withUnsafeBufferPointer`; activations live in a planned arena instead (see `TensorArena`).
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first.
    public private(set) var shape: [Int]
    /// The values, row-major.
    public var storage: [Float]

    /// Element count of `shape` (1 for a scalar's empty shape).
    public static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Wraps `storage`; throws if its size does not match `shape` or a dimension is negative.
    public init(shape: [Int], storage: [Float]) throws(NeuralError) {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw NeuralError(.shapeMismatch, "negative dimension in shape \(shape)")
        }
        let count = Tensor.count(of: shape)
        guard count == storage.count else {
            throw NeuralError(.shapeMismatch, "shape \(shape) needs \(count) values, got \(storage.count)")
        }
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape.map { max(0, $0) }
        self.storage = [Float](repeating: 0, count: Tensor.count(of: self.shape))
    }

    /// Element count.
    public var count: Int { storage.count }

    /// Changes the shape without moving data; throws if the element count differs.
    public mutating func reshape(_ newShape: [Int]) throws(NeuralError) {
        guard newShape.allSatisfy({ $0 >= 0 }), Tensor.count(of: newShape) == storage.count else {
            throw NeuralError(.shapeMismatch, "cannot reshape \(shape) to \(newShape)")
        }
        shape = newShape
    }

    /// Read access to the values.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Write access to the values.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}
