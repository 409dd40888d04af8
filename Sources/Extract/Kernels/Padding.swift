/// Zero padding around the spatial dimensions of a convolution input.
public struct Padding: Sendable, Equatable {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int

    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    public static let none = Padding(top: 0, left: 0, bottom: 0, right: 0)

    /// PyTorch-style `padding = kernel // 2` on every side (torchvision MobileNetV2).
    public static func symmetric(kernel: Int) -> Padding {
        Padding(top: kernel / 2, left: kernel / 2, bottom: kernel / 2, right: kernel / 2)
    }

    /// TensorFlow 'SAME': output is ceil(input / stride); an odd total puts the extra row/column at the
    /// bottom/right. TF-trained nets (EfficientNet-Lite) see different pixels under symmetric padding.
    public static func tensorFlowSame(inputHeight: Int, inputWidth: Int, kernel: Int, stride: Int) -> Padding {
        func split(_ size: Int) -> (Int, Int) {
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(inputHeight)
        let (left, right) = split(inputWidth)
        return Padding(top: top, left: left, bottom: bottom, right: right)
    }

    /// Output size of a `kernel`-wide window moved by `stride` over `size` padded by `before` + `after`.
    static func outputSize(_ size: Int, kernel: Int, stride: Int, before: Int, after: Int) -> Int {
        (size + before + after - kernel) / stride + 1
    }
}
