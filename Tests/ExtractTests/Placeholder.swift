import Testing
import Shared
import Extract

@Test func extractTensorZerosHasShapeAndCount() {
    let t = Tensor(zeros: [2, 3, 4])
    #expect(t.count == 24)
    #expect(t.rank == 3)
}
