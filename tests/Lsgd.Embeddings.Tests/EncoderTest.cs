namespace Lsgd.Embeddings.Tests;

public class EncoderTest(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    private static readonly string[] Texts =
    [
        "a happy day", "a sad day", "grinning face with big eyes", "flag: Germany", "abandon", "abandoned",
        "The quick brown fox jumps over the lazy dog.", "least squares by gradient descent", "a happy day", "joyful",
    ];

    [Fact]
    public void EncoderGives384DimensionalUnitVectors()
    {
        var e = new TextEmbedder(fixture.Encoder).Embed(Texts);
        Assert.Equal(384, e.Dimension);
        Assert.Equal(Texts.Length * 384, e.Vectors.Length);
        for (int i = 0; i < e.Count; i++)
            Assert.Equal(1.0, Math.Sqrt(Vectors.Dot(e.Vector(i), e.Vector(i))), 5);
    }

    [Fact]
    public void IdenticalTextsGetIdenticalVectors()
    {
        var embedder = new TextEmbedder(fixture.Encoder);
        var first = embedder.Embed(Texts);
        Assert.Equal(first.Vector(0).ToArray(), first.Vector(8).ToArray());   // "a happy day" twice: encoded once
        Assert.Equal(9, first.Distinct);
        var again = embedder.Embed(Texts);
        Assert.Equal(first.Vectors, again.Vectors);                            // the same run, bit for bit
    }

    [Fact]
    public void BatchingAndSortingDoNotChangeTheVectors()
    {
        var sorted = new TextEmbedder(fixture.Encoder, new EmbeddingOptions { BatchSize = 3 }).Embed(Texts);
        var plain = new TextEmbedder(fixture.Encoder, new EmbeddingOptions { BatchSize = 64, SortByLength = false, Threads = 1 }).Embed(Texts);
        for (int i = 0; i < sorted.Vectors.Length; i++)
            Assert.Equal(plain.Vectors[i], sorted.Vectors[i], 1e-5f);   // padding differs, the masked model does not see it
    }

    [Fact]
    public void CachedVectorsAreIdenticalAndSkipTheEncoder()
    {
        using var folder = new TempFolder();
        var options = new EmbeddingOptions { Cache = new EmbeddingCache(folder.Path) };
        var fresh = new TextEmbedder(fixture.Encoder, options).Embed(Texts);
        Assert.Equal((9, 0), (fresh.Encoded, fresh.FromCache));
        var cached = new TextEmbedder(fixture.Encoder, options).Embed(Texts);
        Assert.Equal((0, 9), (cached.Encoded, cached.FromCache));
        Assert.Equal(fresh.Vectors, cached.Vectors);
        Assert.True(double.IsNaN(cached.TextsPerSecond));

        var more = new TextEmbedder(fixture.Encoder, options).Embed(["a happy day", "something new"]);
        Assert.Equal((1, 1), (more.Encoded, more.FromCache));
        Assert.Equal(fresh.Vector(0).ToArray(), more.Vector(0).ToArray());
    }

    [Fact]
    public void SimilarMeaningsAreCloserThanUnrelatedOnes()
    {
        var e = new TextEmbedder(fixture.Encoder).Embed(["happy", "joyful", "carburetor"]);
        Assert.True(Vectors.Dot(e.Vector(0), e.Vector(1)) > Vectors.Dot(e.Vector(0), e.Vector(2)) + 0.2);
    }

    [Fact]
    public void EmptyTextIsRefusedWithItsPosition()
    {
        var error = Assert.Throws<LsgdException>(() => new TextEmbedder(fixture.Encoder).Embed(["fine", "  "]));
        Assert.Equal("Text 2 is empty: every text needs some words to embed. Fill it in or remove it.", error.Message);
    }

    [Fact]
    public void CacheKeyDependsOnModelAndText()
    {
        Assert.NotEqual(EmbeddingCache.Key("model a", "text"), EmbeddingCache.Key("model b", "text"));
        Assert.NotEqual(EmbeddingCache.Key("model a", "text"), EmbeddingCache.Key("model a", "text "));
        Assert.Equal(64, EmbeddingCache.Key(MiniLmEncoder.Id, "text").Length);
    }
}
