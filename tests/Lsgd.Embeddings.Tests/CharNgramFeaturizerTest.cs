namespace Lsgd.Embeddings.Tests;

public class CharNgramFeaturizerTest
{
    [Fact]
    public void VocabularyIsTheMostFrequentNgramsAndRowsHaveLengthOne()
    {
        var bag = CharNgramFeaturizer.Fit(["abandon", "abandoned", "band"], new CharNgramOptions { MinLength = 2, MaxLength = 3, MaxFeatures = 4 });
        // In all three texts: "an", "and", "ba", "ban", "nd"; ties in ordinal order.
        Assert.Equal(["an", "and", "ba", "ban"], bag.Vocabulary);
        var x = bag.Transform(["abandon", "xyz"]);
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f], x.Take(4));   // one of each, scaled to length 1
        Assert.All(x.Skip(4), v => Assert.Equal(0f, v));   // no known n-gram
    }

    [Fact]
    public void LongestNgramShorterThanShortestIsRefused()
    {
        var error = Assert.Throws<InvalidOptionException>(() => CharNgramFeaturizer.Fit(["a"], new CharNgramOptions { MinLength = 3, MaxLength = 2 }));
        Assert.Equal("MaxLength = 2 is not allowed: it must be at least MinLength = 3. Try 5.", error.Message);
    }
}
