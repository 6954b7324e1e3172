using System;
using System.Collections.Generic;
using Xunit;

namespace AncientPS.Engine.Tests.Views
{
    /// <summary>
    /// <see cref="LoadedTypes"/>: the type a stored type name names, among loaded assemblies only, with generic arguments
    /// and array elements found across assemblies; any other name gives null, never an exception.
    /// </summary>
    public class LoadedTypesTests
    {
        [Theory]
        [InlineData("System.Object[]", typeof(object[]))]
        [InlineData("System.Collections.Hashtable", typeof(System.Collections.Hashtable))]
        [InlineData("System.Collections.Generic.List`1[System.Int32]", typeof(List<int>))]
        [InlineData("System.Collections.Generic.Dictionary`2[System.String,System.Int32[]]", typeof(Dictionary<string, int[]>))]
        [InlineData("System.Collections.Generic.List`1[System.Collections.Generic.List`1[System.String]][]", typeof(List<List<string>>[]))]
        // A generic type over a type of another assembly than its definition's: no one assembly's GetType finds it.
        [InlineData("System.Collections.Generic.List`1[AncientPS.Engine.MaterializedRecord]", typeof(List<MaterializedRecord>))]
        [InlineData("System.Collections.Generic.Dictionary`2[System.String,AncientPS.Engine.Tests.Views.LoadedTypesTests]", typeof(Dictionary<string, LoadedTypesTests>))]
        public void Finds_the_type_a_stored_name_names(string name, Type expected) => Assert.Equal(expected, LoadedTypes.Resolve(name));

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("No.Such.Type")]
        [InlineData("System.Collections.Generic.List`1[No.Such.Type]")]
        [InlineData("System.Collections.Generic.List`1[System.Int32")]
        [InlineData("System.Collections.Generic.List`1[System.Int32]]]")]
        [InlineData("`1[System.Int32]")]
        [InlineData("System.Collections.Generic.Dictionary`2[System.String,,System.Int32]")]
        public void Gives_null_for_any_other_name(string name) => Assert.Null(LoadedTypes.Resolve(name));

        [Fact]
        public void A_name_it_must_take_apart_is_followed_eight_levels_deep_at_most()
        {
            // Arguments of two assemblies besides .NET's: no one assembly's GetType resolves the name.
            string name = "System.Collections.Generic.Dictionary`2[AncientPS.Engine.MaterializedRecord,AncientPS.Engine.Tests.Views.LoadedTypesTests]";
            var expected = typeof(Dictionary<MaterializedRecord, LoadedTypesTests>);
            for (int i = 0; i < 4; i++)
            {
                name = "System.Collections.Generic.List`1[" + name + "]";
                expected = typeof(List<>).MakeGenericType(expected);
            }
            Assert.Equal(expected, LoadedTypes.Resolve(name));
            for (int i = 0; i < 8; i++) name = "System.Collections.Generic.List`1[" + name + "]";
            Assert.Null(LoadedTypes.Resolve(name));
        }
    }
}
