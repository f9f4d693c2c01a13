/// The 25-value median network (``MedianNetwork/twentyFive``) written out, so the 25 vectors stay
/// in registers instead of going through memory at every comparator (2.5× faster than applying
/// the table). `MedianNetworkTests` checks it against the table.
extension MedianNetwork {
  /// The lane-wise median of the 25 vectors at `values` (which are left unchanged).
  @inline(__always)
  static func median25(_ values: UnsafePointer<SIMD8<Float>>) -> SIMD8<Float> {
    var v0 = values[0]
    var v1 = values[1]
    var v2 = values[2]
    var v3 = values[3]
    var v4 = values[4]
    var v5 = values[5]
    var v6 = values[6]
    var v7 = values[7]
    var v8 = values[8]
    var v9 = values[9]
    var v10 = values[10]
    var v11 = values[11]
    var v12 = values[12]
    var v13 = values[13]
    var v14 = values[14]
    var v15 = values[15]
    var v16 = values[16]
    var v17 = values[17]
    var v18 = values[18]
    var v19 = values[19]
    var v20 = values[20]
    var v21 = values[21]
    var v22 = values[22]
    var v23 = values[23]
    var v24 = values[24]
    sort(&v0, &v1)
    sort(&v3, &v4)
    sort(&v2, &v4)
    sort(&v2, &v3)
    sort(&v6, &v7)
    sort(&v5, &v7)
    sort(&v5, &v6)
    sort(&v9, &v10)
    sort(&v8, &v10)
    sort(&v8, &v9)
    sort(&v12, &v13)
    sort(&v11, &v13)
    sort(&v11, &v12)
    sort(&v15, &v16)
    sort(&v14, &v16)
    sort(&v14, &v15)
    sort(&v18, &v19)
    sort(&v17, &v19)
    sort(&v17, &v18)
    sort(&v21, &v22)
    sort(&v20, &v22)
    sort(&v20, &v21)
    sort(&v23, &v24)
    sort(&v2, &v5)
    sort(&v3, &v6)
    sort(&v0, &v6)
    sort(&v0, &v3)
    sort(&v4, &v7)
    sort(&v1, &v7)
    sort(&v1, &v4)
    sort(&v11, &v14)
    sort(&v8, &v14)
    sort(&v8, &v11)
    sort(&v12, &v15)
    sort(&v9, &v15)
    sort(&v9, &v12)
    sort(&v13, &v16)
    sort(&v10, &v16)
    sort(&v10, &v13)
    sort(&v20, &v23)
    sort(&v17, &v23)
    sort(&v17, &v20)
    sort(&v21, &v24)
    sort(&v18, &v24)
    sort(&v18, &v21)
    sort(&v19, &v22)
    sort(&v8, &v17)
    sort(&v9, &v18)
    sort(&v0, &v18)
    sort(&v0, &v9)
    sort(&v10, &v19)
    sort(&v1, &v19)
    sort(&v1, &v10)
    sort(&v11, &v20)
    sort(&v2, &v20)
    sort(&v2, &v11)
    sort(&v12, &v21)
    sort(&v3, &v21)
    sort(&v3, &v12)
    sort(&v13, &v22)
    sort(&v4, &v22)
    sort(&v4, &v13)
    sort(&v14, &v23)
    sort(&v5, &v23)
    sort(&v5, &v14)
    sort(&v15, &v24)
    sort(&v6, &v24)
    sort(&v6, &v15)
    sort(&v7, &v16)
    sort(&v7, &v19)
    sort(&v13, &v21)
    sort(&v15, &v23)
    sort(&v7, &v13)
    sort(&v7, &v15)
    sort(&v1, &v9)
    sort(&v3, &v11)
    sort(&v5, &v17)
    sort(&v11, &v17)
    sort(&v9, &v17)
    sort(&v4, &v10)
    sort(&v6, &v12)
    sort(&v7, &v14)
    sort(&v4, &v6)
    sort(&v4, &v7)
    sort(&v12, &v14)
    sort(&v10, &v14)
    sort(&v6, &v7)
    sort(&v10, &v12)
    sort(&v6, &v10)
    sort(&v6, &v17)
    sort(&v12, &v17)
    sort(&v7, &v17)
    sort(&v7, &v10)
    sort(&v12, &v18)
    sort(&v7, &v12)
    sort(&v10, &v18)
    sort(&v12, &v20)
    sort(&v10, &v20)
    sort(&v10, &v12)
    return v12
  }

  /// Compare-exchange: afterwards `a ≤ b` lane by lane.
  @inline(__always)
  private static func sort(_ a: inout SIMD8<Float>, _ b: inout SIMD8<Float>) {
    let swap = b .< a
    let low = a.replacing(with: b, where: swap)
    b = b.replacing(with: a, where: swap)
    a = low
  }
}
