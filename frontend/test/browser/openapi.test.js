// The API definition validates as OpenAPI 3.1 (issue 13, item 7): the
// document the OGC landing page links as service-desc, fetched from the
// real server, checked by an independent validator against the official
// OpenAPI 3.1 JSON Schema (@seriousme/openapi-schema-validator, strict),
// and every Schema Object in it against the JSON Schema 2020-12
// meta-schema (ajv), which the OpenAPI schema leaves to the dialect.
// It runs in the browser step because that is where the npm validator and
// the built binary are; it needs no browser.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { startServer, tempDB } from './harness.js';

let server;

before(async () => { server = await startServer(tempDB()); });
after(async () => { await server?.stop(); });

// schemaObjects lists every Schema Object of an OpenAPI document, with
// where it is: the components' schemas and every "schema" of a parameter,
// header or media type.
function schemaObjects(doc) {
  const found = [];
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) found.push([`#/components/schemas/${name}`, s]);
  (function walk(v, at) {
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'schemas' && at === '#/components') continue;
      if (k === 'schema' && x !== null && typeof x === 'object') found.push([`${at}/schema`, x]);
      else walk(x, `${at}/${k}`);
    }
  })(doc, '#');
  return found;
}

// invalidSchemas returns the Schema Objects that break the JSON Schema
// 2020-12 meta-schema, each with ajv's first error.
function invalidSchemas(doc) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const bad = [];
  for (const [at, s] of schemaObjects(doc)) {
    if (!ajv.validateSchema(s)) bad.push(`${at}: ${ajv.errorsText(ajv.errors)}`);
  }
  return bad;
}

async function serviceDesc() {
  const landing = await (await fetch(`${server.url}/ogc`, { headers: { Accept: 'application/json' } })).json();
  const link = landing.links.find((l) => l.rel === 'service-desc');
  assert.ok(link, 'the landing page links no service-desc');
  const res = await fetch(link.href);
  assert.equal(res.status, 200, `GET ${link.href}`);
  assert.match(res.headers.get('content-type'), /json/);
  return res.json();
}

test('the API definition is valid OpenAPI 3.1', async () => {
  const doc = await serviceDesc();
  const validator = new Validator({ strict: true });
  const res = await validator.validate(doc);
  assert.equal(validator.version, '3.1');
  assert.ok(res.valid, `invalid OpenAPI 3.1:\n${JSON.stringify(res.errors ?? [], null, 1).slice(0, 4000)}`);
  const schemas = schemaObjects(doc);
  assert.ok(schemas.length > 50, `only ${schemas.length} schema objects found: the walk is wrong`);
  assert.deepEqual(invalidSchemas(doc), [], 'Schema Objects against the JSON Schema 2020-12 meta-schema');
  // Every operation names its responses, and every path is under a route
  // the server answers (no paths left from removed routes).
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method)) continue;
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method.toUpperCase()} ${path} has no responses`);
    }
  }
});

test('the validators refuse what the document once had wrong', async () => {
  // The faults issue 13 found (required: null in an object schema) and a
  // document that is not OpenAPI 3.1 at all: the validators must see them,
  // or the test above proves nothing.
  const doc = await serviceDesc();
  const collection = doc.components.schemas.Collection;
  assert.ok(collection, 'no Collection schema');
  const broken = structuredClone(doc);
  broken.components.schemas.Collection.required = null;
  assert.deepEqual(invalidSchemas(broken).map((e) => e.split(':')[0]), ['#/components/schemas/Collection']);
  const noInfo = structuredClone(doc);
  delete noInfo.info;
  assert.equal((await new Validator({ strict: true }).validate(noInfo)).valid, false, 'a document without info passed');
});
