// Drives the emulator's SQL Server with the Node.js TDS clients tedious and
// mssql, as they work against a real SQL Server. Prints "PASS name" or
// "FAIL name: why" per check; tests/interop/interop_tests.cpp runs it and
// asserts every check passed.
//
// Environment: MILINK_INTEROP_PORT, MILINK_INTEROP_PASSWORD (sa), and the
// emulator started with the fault "sql:latency=1500@2" so that the second
// SQL request (the first one after tedious's initial SET batch) is answered
// late and the cancel check can cancel it while the server works on it.
'use strict';
const assert = require('assert');
const { Connection, Request, TYPES } = require('tedious');
const mssql = require('mssql');

const port = Number(process.env.MILINK_INTEROP_PORT);
const password = process.env.MILINK_INTEROP_PASSWORD;

const options = {
  server: '127.0.0.1',
  authentication: { type: 'default', options: { userName: 'sa', password } },
  options: { port, encrypt: false, trustServerCertificate: false, requestTimeout: 15000, connectTimeout: 15000 },
};

function connect() {
  return new Promise((resolve, reject) => {
    const c = new Connection(options);
    c.on('error', () => {});
    c.connect((err) => (err ? reject(err) : resolve(c)));
  });
}

/** Runs one batch; resolves { rowCount, rows, columns } or rejects with the error. */
function exec(c, sql, onRequest) {
  return new Promise((resolve, reject) => {
    const rows = [];
    let columns = [];
    const r = new Request(sql, (err, rowCount) => (err ? reject(err) : resolve({ rowCount, rows, columns })));
    r.on('columnMetadata', (cols) => { columns = cols; });
    r.on('row', (cols) => rows.push(cols.map((x) => x.value)));
    c.execSql(r);
    if (onRequest) onRequest(r);
  });
}

const call = (c, method, ...args) =>
  new Promise((resolve, reject) => c[method]((err) => (err ? reject(err) : resolve()), ...args));

const scalar = async (c, sql) => (await exec(c, sql)).rows[0][0];

/** Runs fn on a fresh connection, closed afterwards. */
async function withConnection(fn) {
  const c = await connect();
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** The error \p promise rejects with, or undefined when it resolves. */
async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  return undefined;
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// Cancel first: the fault plan delays the second SQL request of the run.
check('cancel: the reply to the cancelled request, then the acknowledgement', () => withConnection(async (c) => {
  let err = await failure(exec(c, 'SELECT 1 AS n', (r) => setTimeout(() => c.cancel(), 200)));
  assert.ok(err, 'the cancelled request did not fail');
  assert.strictEqual(err.code, 'ECANCEL', `expected ECANCEL, got ${err.code}: ${err.message}`);
  // The session goes on.
  assert.strictEqual(await scalar(c, 'SELECT 42 AS n'), 42);
}));

check('row count: a one-row SELECT reports 1 row (one DONE per statement)', () => withConnection(async (c) => {
  const r = await exec(c, "SELECT name FROM sys.databases WHERE name = N'master'");
  assert.strictEqual(r.rows.length, 1);
  assert.strictEqual(r.rowCount, 1, `rowCount ${r.rowCount}`);
  const two = await exec(c, 'SELECT 1 AS a; SELECT 2 AS b');
  assert.strictEqual(two.rowCount, 2, `two one-row SELECTs: rowCount ${two.rowCount}`);
}));

check('row count: mssql rowsAffected is [1] for a one-row SELECT', async () => {
  const pool = await new mssql.ConnectionPool({
    server: '127.0.0.1', port, user: 'sa', password,
    options: { encrypt: false, trustServerCertificate: false },
  }).connect();
  try {
    const r = await pool.request().query('SELECT 1 AS x');
    assert.deepStrictEqual(r.rowsAffected, [1]);
    assert.deepStrictEqual(r.recordset, [{ x: 1 }]);
  } finally {
    await pool.close();
  }
});

check('transactions: named BEGIN, SAVE, ROLLBACK to the savepoint, COMMIT', () => withConnection(async (c) => {
  await call(c, 'beginTransaction', 'milink_tx');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 1);
  await call(c, 'saveTransaction', 'savepoint_1');
  await call(c, 'rollbackTransaction', 'savepoint_1');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 1, 'rolling back to a savepoint ended the transaction');
  let err = await failure(call(c, 'rollbackTransaction', 'no_such_savepoint'));
  assert.ok(err, 'rolling back to an unknown savepoint succeeded');
  assert.strictEqual(err.number, 6401, `error ${err.number}: ${err.message}`);
  await call(c, 'commitTransaction', 'milink_tx');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 0);
  // The same, rolled back by its name.
  await call(c, 'beginTransaction', 'second');
  await call(c, 'rollbackTransaction', 'second');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 0);
  // A savepoint needs a transaction.
  err = await failure(call(c, 'saveTransaction', 'outside'));
  assert.ok(err && err.number === 628, `SAVE outside a transaction: ${err && err.message}`);
}));

check('transactions: unnamed BEGIN and COMMIT, BEGIN and ROLLBACK', () => withConnection(async (c) => {
  await call(c, 'beginTransaction');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 1);
  await call(c, 'commitTransaction');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 0);
  // A ROLLBACK without a name ends every level, the nested one included.
  await call(c, 'beginTransaction');
  await exec(c, 'BEGIN TRANSACTION');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 2);
  await call(c, 'rollbackTransaction');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 0);
}));

check('reset: database, SET options and open transactions return to the login state', () => withConnection(async (c) => {
  const login_db = await scalar(c, 'SELECT DB_NAME()');
  await exec(c, 'USE msdb; SET NOCOUNT ON; BEGIN TRANSACTION');
  assert.strictEqual(await scalar(c, 'SELECT DB_NAME()'), 'msdb');
  assert.strictEqual(await scalar(c, 'SELECT @@TRANCOUNT'), 1);
  const nocount = await exec(c, 'SELECT 1 AS n');
  assert.ok(!nocount.rowCount, `SET NOCOUNT ON: rowCount ${nocount.rowCount}`);
  await new Promise((resolve, reject) => c.reset((err) => (err ? reject(err) : resolve())));
  // tedious sends the RESETCONNECTION flag with the next request.
  const r = await exec(c, 'SELECT DB_NAME() AS db, @@TRANCOUNT AS trancount');
  assert.deepStrictEqual(r.rows[0], [login_db, 0]);
  assert.strictEqual(r.rowCount, 1, 'SET NOCOUNT ON survived the reset');
}));

check('SERVERPROPERTY is sql_variant; CAST gives the base type', () => withConnection(async (c) => {
  const r = await exec(c, "SELECT SERVERPROPERTY('ProductVersion') AS v, SERVERPROPERTY('EngineEdition') AS e, " +
    "SERVERPROPERTY('NoSuchProperty') AS n, CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS c");
  assert.deepStrictEqual(r.columns.map((x) => x.type.name), ['Variant', 'Variant', 'Variant', 'NVarChar']);
  const [v, e, n, cast] = r.rows[0];
  assert.ok(typeof v === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(v), `ProductVersion ${v}`);
  assert.strictEqual(typeof e, 'number', `EngineEdition ${e} (${typeof e}): an int inside the variant`);
  assert.strictEqual(n, null);
  assert.strictEqual(cast, v);
}));

check('parameters: every type milink binds round-trips through sp_executesql', () => withConnection(async (c) => {
  // milink's SQL service binds int, bigint, bit, nvarchar, varbinary,
  // datetime2, float and NULL (docs/sql-connections.md); tedious sends each
  // as an RPC parameter of that type, as it does to SQL Server.
  const when = new Date(Date.UTC(2026, 11, 6, 10, 20, 30, 123));
  const rows = [];
  let columns = [];
  await new Promise((resolve, reject) => {
    const req = new Request('SELECT @i AS i, @g AS g, @b AS b, @s AS s, @x AS x, @t AS t, @f AS f, @n AS n',
                            (err) => (err ? reject(err) : resolve()));
    req.addParameter('i', TYPES.Int, -42);
    req.addParameter('g', TYPES.BigInt, 1234567890123);
    req.addParameter('b', TYPES.Bit, true);
    req.addParameter('s', TYPES.NVarChar, 'h\u00e9llo \u20ac');
    req.addParameter('x', TYPES.VarBinary, Buffer.from([0, 1, 254, 255]));
    req.addParameter('t', TYPES.DateTime2, when, { scale: 3 });
    req.addParameter('f', TYPES.Float, 1.5);
    req.addParameter('n', TYPES.NVarChar, null);
    req.on('columnMetadata', (cols) => { columns = cols; });
    req.on('row', (cols) => rows.push(cols.map((x) => x.value)));
    c.execSql(req);
  });
  assert.deepStrictEqual(columns.map((x) => x.colName), ['i', 'g', 'b', 's', 'x', 't', 'f', 'n']);
  const [i, g, b, str, x, t, f, n] = rows[0];
  assert.strictEqual(i, -42);
  assert.strictEqual(String(g), '1234567890123');
  assert.strictEqual(b, true);
  assert.strictEqual(str, 'h\u00e9llo \u20ac');
  assert.deepStrictEqual([...x], [0, 1, 254, 255]);
  assert.strictEqual(t.getTime(), when.getTime());
  assert.strictEqual(f, 1.5);
  assert.strictEqual(n, null);
}));

check('multiple result sets: each its own columns and rows; mssql sees recordsets and rowsAffected per statement',
      async () => {
  await withConnection(async (c) => {
    const sets = [];
    const counts = [];
    await new Promise((resolve, reject) => {
      const req = new Request("SELECT 1 AS a; SELECT name AS b FROM master.sys.databases WHERE name IN (N'master', N'model') ORDER BY name",
                              (err) => (err ? reject(err) : resolve()));
      req.on('columnMetadata', (cols) => sets.push({ columns: cols.map((x) => x.colName), rows: [] }));
      req.on('row', (cols) => sets[sets.length - 1].rows.push(cols.map((x) => x.value)));
      req.on('doneInProc', (rowCount) => { if (rowCount !== undefined) counts.push(rowCount); });
      c.execSql(req);
    });
    assert.deepStrictEqual(sets, [{ columns: ['a'], rows: [[1]] }, { columns: ['b'], rows: [['master'], ['model']] }]);
    assert.deepStrictEqual(counts, [1, 2]);
  });
  const pool = await new mssql.ConnectionPool({
    server: '127.0.0.1', port, user: 'sa', password,
    options: { encrypt: false, trustServerCertificate: false },
  }).connect();
  try {
    const result = await pool.request().query("SELECT 1 AS a; SELECT name AS b FROM master.sys.databases WHERE name IN (N'master', N'model') ORDER BY name");
    assert.strictEqual(result.recordsets.length, 2);
    assert.deepStrictEqual(result.rowsAffected, [1, 2]);
    assert.deepStrictEqual(result.recordsets[1].map((row) => row.b), ['master', 'model']);
  } finally {
    await pool.close();
  }
});

check('RAISERROR: severity 10 is an infoMessage, 16 an error numbered 50000', () => withConnection(async (c) => {
  const infos = [];
  c.on('infoMessage', (m) => infos.push(m));
  const r = await exec(c, "RAISERROR('step %d of %d', 10, 1, 2, 5) WITH NOWAIT; SELECT 7 AS n");
  assert.deepStrictEqual(r.rows, [[7]]);
  const info = infos.find((m) => m.number === 50000);
  assert.ok(info, `no infoMessage 50000 in ${JSON.stringify(infos)}`);
  assert.strictEqual(info.message, 'step 2 of 5');
  assert.strictEqual(info.class, 10);
  const err = await failure(exec(c, "RAISERROR(N'link %s failed', 16, 2, N'dag1')"));
  assert.ok(err, 'RAISERROR severity 16 did not fail the request');
  assert.strictEqual(err.number, 50000, `error ${err.number}: ${err.message}`);
  assert.strictEqual(err.class, 16);
  assert.strictEqual(err.state, 2);
  assert.strictEqual(err.message, 'link dag1 failed');
  const thrown = await failure(exec(c, "THROW 51000, N'no such record', 1;"));
  assert.ok(thrown && thrown.number === 51000 && thrown.class === 16, `THROW: ${thrown && thrown.message}`);
}));

// An hour-long WAITFOR DELAY: only the cancel can end it before tedious's
// requestTimeout (15 s, which would fail with ETIMEOUT instead).
check('cancel during WAITFOR DELAY ends the request, and the session goes on', () => withConnection(async (c) => {
  const err = await failure(exec(c, "WAITFOR DELAY '01:00:00'", () => setTimeout(() => c.cancel(), 300)));
  assert.ok(err, 'the cancelled WAITFOR did not fail');
  assert.strictEqual(err.code, 'ECANCEL', `expected ECANCEL, got ${err.code}: ${err.message}`);
  assert.strictEqual(await scalar(c, 'SELECT 43 AS n'), 43);
}));

// TLS with verification, as against a real server: the emulator's certificate
// comes from its CA (MILINK_INTEROP_CA) and names 127.0.0.1; tedious refuses
// it without that CA and when it expects another host name.
function connectTls(extra) {
  return new Promise((resolve, reject) => {
    const c = new Connection({
      ...options,
      options: { ...options.options, encrypt: true, trustServerCertificate: false, ...extra },
    });
    c.on('error', () => {});
    c.connect((err) => (err ? reject(err) : resolve(c)));
  });
}

check('TLS: encrypt with verification against the emulator CA; no CA or another host name is refused', async () => {
  const ca = require('fs').readFileSync(process.env.MILINK_INTEROP_CA);
  const c = await connectTls({ cryptoCredentialsDetails: { ca } });
  try {
    assert.strictEqual(await scalar(c, 'SELECT 7 AS n'), 7);
  } finally {
    c.close();
  }
  let err = await failure(connectTls({}));
  assert.ok(err, 'connected without the CA');
  assert.match(String(err.message), /certificate/i, `without the CA: ${err.message}`);
  err = await failure(connectTls({ cryptoCredentialsDetails: { ca }, serverName: 'other.example.test' }));
  assert.ok(err, 'connected expecting another host name');
  assert.match(String(err.message), /other\.example\.test|altnames|Hostname/i, `another host: ${err.message}`);
});

(async () => {
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      console.log(`PASS ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
