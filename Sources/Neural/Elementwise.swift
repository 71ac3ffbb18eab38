#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

// Element-wise kernels: add, activations, softmax. Output may alias an input (in place is fine).

/// `output[i] = act(a[i] + b[i])` for `count` elements.
public func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int,
                activation: Activation = .none) {
    switch activation {
    case .none: for i in 0..<count { output[i] = a[i] + b[i] }
    case .relu: for i in 0..<count { output[i] = max(a[i] + b[i], 0) }
    case .relu6: for i in 0..<count { output[i] = min(max(a[i] + b[i], 0), 6) }
    }
}

/// `output[i] = max(input[i], 0)`.
public func relu(_ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = max(input[i], 0) }
}

/// Applies `activation` in place to `count` values.
public func applyActivation(_ activation: Activation, to values: UnsafeMutablePointer<Float>, count: Int) {
    switch activation {
    case .none: break
    case .relu: for i in 0..<count { values[i] = max(values[i], 0) }
    case .relu6: for i in 0..<count { values[i] = min(max(values[i], 0), 6) }
    }
}

/// Softmax over each of `rows` consecutive groups of `count` values, in place (numerically stable: the row's
/// maximum is subtracted first).
public func softmax(_ values: UnsafeMutablePointer<Float>, count: Int, rows: Int = 1) {
    guard count > 0 else { return }
    for r in 0..<rows {
        let row = values + r * count
        var top = row[0]
        for i in 1..<count { top = max(top, row[i]) }
        var sum: Float = 0
        for i in 0..<count {
            row[i] = (row[i] - top).exp
            sum += row[i]
        }
        let scale = 1 / sum
        for i in 0..<count { row[i] *= scale }
    }
}

extension Float {
    @inline(__always) var exp: Float {
        #if canImport(Glibc)
        Glibc.expf(self)
        #else
        Foundation.exp(self)
        #endif
    }
}

/// Logistic sigmoid `1 / (1 + e^−x)`.
@inline(__always) public func sigmoid(_ x: Float) -> Float { 1 / (1 + (-x).exp) }
