using Lsgd.Data;

namespace Lsgd.Tests.Data;

public class FeatureStorageTest
{
    private static readonly double[] Values = [1, 2, 3, 4, 0.5, -6];   // 3 rows × 2 features, exact in float32

    [Fact]
    public void AccessorsReadBothPrecisionsAlike()
    {
        var wide = new Dataset([.. Values], new double[3], 3, 2).Storage;
        var narrow = Dataset.FromSingle([.. Values.Select(v => (float)v)], new double[3], 3, 2).Storage;
        Assert.Equal((FeaturePrecision.DoublePrecision, FeaturePrecision.SinglePrecision), (wide.Precision, narrow.Precision));
        double[] w = [10, 1];
        var row = new double[2];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Values[2 * i] * 10 + Values[2 * i + 1], wide.Dot(i, w));
            Assert.Equal(wide.Dot(i, w), narrow.Dot(i, w));
            narrow.CopyRow(i, row);
            Assert.Equal(Values.AsSpan(2 * i, 2).ToArray(), row);
            Assert.Equal(wide[i, 1], narrow[i, 1]);
        }
    }

    [Fact]
    public void TheOtherPrecisionsSpanThrowsInsteadOfBeingEmpty()
    {
        var narrow = Dataset.FromSingle([.. Values.Select(v => (float)v)], new double[3], 3, 2);
        var wide = new Dataset([.. Values], new double[3], 3, 2);
        Assert.StartsWith("The features are stored in float32", Assert.Throws<InvalidOperationException>(() => narrow.X.Length).Message);
        Assert.Throws<InvalidOperationException>(() => narrow.FeatureRow(0).Length);
        Assert.Throws<InvalidOperationException>(() => wide.XSingle.Length);
        Assert.Equal(Values, narrow.ToDoublePrecision().X.ToArray());
        Assert.Same(wide, wide.ToDoublePrecision());
    }
}
