using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Lsgd.Cluster;

/// <summary>
/// The membership table of the silos of one process (<c>local:N</c>): kept outside every silo, so that any silo —
/// the first one included — may die and the others go on (Orleans' development clustering keeps its table on one
/// silo). Also the clients' gateway list. Rows are copied in and out, as a remote table would.
/// </summary>
internal sealed class InProcessMembershipTable : IMembershipTable, IGatewayListProvider
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, (MembershipEntry Entry, string ETag)> _rows = [];
    private readonly DeepCopier<MembershipEntry> _copier = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<DeepCopier<MembershipEntry>>();
    private TableVersion _version;
    private long _etags;

    public InProcessMembershipTable() => _version = new TableVersion(0, NextETag());

    public TimeSpan MaxStaleness => TimeSpan.Zero;

    public bool IsUpdatable => true;

    private string NextETag() => (_etags++).ToString(CultureInfo.InvariantCulture);

    private MembershipEntry Copy(MembershipEntry entry) => _copier.Copy(entry);

    public Task InitializeMembershipTable(bool tryInitTableVersion) => Task.CompletedTask;

    public Task DeleteMembershipTableEntries(string clusterId)
    {
        lock (_lock) _rows.Clear();
        return Task.CompletedTask;
    }

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        lock (_lock)
        {
            foreach (var (address, (entry, _)) in _rows.ToArray())
                if (entry.Status != SiloStatus.Active && entry.IAmAliveTime < beforeDate.UtcDateTime && entry.StartTime < beforeDate.UtcDateTime)
                    _rows.Remove(address);
        }
        return Task.CompletedTask;
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        lock (_lock)
            return Task.FromResult(_rows.TryGetValue(key, out var row)
                ? new MembershipTableData(Tuple.Create(Copy(row.Entry), row.ETag), _version)
                : new MembershipTableData(_version));
    }

    public Task<MembershipTableData> ReadAll()
    {
        lock (_lock)
            return Task.FromResult(new MembershipTableData([.. _rows.Values.Select(r => Tuple.Create(Copy(r.Entry), r.ETag))], _version));
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        lock (_lock)
        {
            if (_rows.ContainsKey(entry.SiloAddress) || !string.Equals(_version.VersionEtag, tableVersion.VersionEtag, StringComparison.Ordinal))
                return Task.FromResult(false);
            _rows[entry.SiloAddress] = (Copy(entry), NextETag());
            _version = new TableVersion(tableVersion.Version, NextETag());
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(entry.SiloAddress, out var row) || !string.Equals(row.ETag, etag, StringComparison.Ordinal)
                || !string.Equals(_version.VersionEtag, tableVersion.VersionEtag, StringComparison.Ordinal))
                return Task.FromResult(false);
            _rows[entry.SiloAddress] = (Copy(entry), NextETag());
            _version = new TableVersion(tableVersion.Version, NextETag());
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAlive(MembershipEntry entry)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(entry.SiloAddress, out var row))
            {
                var updated = Copy(row.Entry);
                updated.IAmAliveTime = entry.IAmAliveTime;
                _rows[entry.SiloAddress] = (updated, NextETag());
            }
        }
        return Task.CompletedTask;
    }

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task<IList<Uri>> GetGateways()
    {
        lock (_lock)
            return Task.FromResult<IList<Uri>>([.. _rows.Values
                .Where(r => r.Entry.Status == SiloStatus.Active && r.Entry.ProxyPort != 0)
                .Select(r => SiloAddress.New(r.Entry.SiloAddress.Endpoint.Address, r.Entry.ProxyPort, r.Entry.SiloAddress.Generation).ToGatewayUri())]);
    }
}

/// <summary>
/// Grain state for the silos of one process (<c>local:N</c>), kept outside every silo so that the coordinator's
/// state outlives the silo that held it (Orleans' memory storage keeps it in a grain, which dies with its silo).
/// States are stored as serialized bytes, as a remote store would keep them.
/// </summary>
internal sealed class InProcessGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ETag)> _states = new(StringComparer.Ordinal);
    private readonly Serializer _serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(InProcessGrainStorage).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();
    private long _etags;

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = _serializer.Deserialize<T>(stored.Bytes);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string key = Key(stateName, grainId);
        string etag = Interlocked.Increment(ref _etags).ToString(CultureInfo.InvariantCulture);
        var bytes = _serializer.SerializeToArray(grainState.State);
        lock (_states)
        {
            if (_states.TryGetValue(key, out var current) && !string.Equals(current.ETag, grainState.ETag, StringComparison.Ordinal))
                throw new InconsistentStateException($"The state of {grainId} was written by another activation.", current.ETag, grainState.ETag);
            _states[key] = (bytes, etag);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _states.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
