using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using QueryWatch.Testing;

namespace QueryWatch.Benchmarks;

/// <summary>
/// The cost of QueryWatch on a command it does not capture: the same EF query with no interceptor,
/// with a do-nothing DbCommandInterceptor (EF's interception machinery: the floor), and with
/// UseQueryWatch and a threshold never reached. Goal: within 1% of the floor, 0 bytes beyond it.
/// Against QUERYWATCH_BENCH_CONNECTION, or a throwaway cluster started here.
/// </summary>
[MemoryDiagnoser]
public class InterceptorOverheadBenchmarks
{
    private TestPostgres? _server;
    private BenchContext _plain = null!;
    private BenchContext _noOp = null!;
    private BenchContext _watched = null!;
    private BenchContext _disabled = null!;

    [GlobalSetup]
    public void Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable("QUERYWATCH_BENCH_CONNECTION");
        if (string.IsNullOrEmpty(connectionString))
        {
            _server = TestPostgres.StartAsync().GetAwaiter().GetResult();
            connectionString = _server.ConnectionString;
        }

        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("""
                DROP TABLE IF EXISTS bench_items;
                CREATE TABLE bench_items (id int PRIMARY KEY, name text NOT NULL);
                INSERT INTO bench_items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;
                ANALYZE bench_items;
                """, connection);
            command.ExecuteNonQuery();
        }

        _plain = new BenchContext(new DbContextOptionsBuilder<BenchContext>().UseNpgsql(connectionString).Options);
        _noOp = new BenchContext(new DbContextOptionsBuilder<BenchContext>().UseNpgsql(connectionString).AddInterceptors(new NoOpCommandInterceptor()).Options);
        _watched = new BenchContext(new DbContextOptionsBuilder<BenchContext>().UseNpgsql(connectionString)
            .UseQueryWatch(o => o.SlowCommandThreshold = TimeSpan.FromHours(1)).Options);
        _disabled = new BenchContext(new DbContextOptionsBuilder<BenchContext>().UseNpgsql(connectionString)
            .UseQueryWatch(o => o.Enabled = false).Options);
        foreach (var context in new[] { _plain, _noOp, _watched, _disabled })
        {
            context.Database.OpenConnection(); // the round trip, not the pool, is what is measured
            Query(context);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _noOp.Dispose();
        _watched.Dispose();
        _disabled.Dispose();
        _server?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public string NoInterceptor() => Query(_plain);

    [Benchmark]
    public string DoNothingInterceptor() => Query(_noOp);

    [Benchmark]
    public string QueryWatchUnderThreshold() => Query(_watched);

    /// <summary>The same registration with Enabled = false: separates EF's cost of an injected interceptor from QueryWatch's own.</summary>
    [Benchmark]
    public string QueryWatchDisabled() => Query(_disabled);

    private static string Query(BenchContext context)
        => context.Items.AsNoTracking().Where(i => i.Id == 42).Select(i => i.Name).First();

    private sealed class NoOpCommandInterceptor : DbCommandInterceptor;

    private sealed class BenchItem
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
    }

    private sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
    {
        public DbSet<BenchItem> Items => Set<BenchItem>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<BenchItem>(e =>
            {
                e.ToTable("bench_items");
                e.Property(i => i.Id).HasColumnName("id");
                e.Property(i => i.Name).HasColumnName("name");
            });
        }
    }
}
