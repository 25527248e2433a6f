import { describe, expect, it } from 'vitest';
import { attrs } from '../telemetry-fixtures.ts';
import {
  dbSystemOf,
  eventNameOf,
  httpRouteOf,
  httpStatusOf,
  instanceOf,
  peerOf,
  resourceColumns,
} from './semantic-columns.ts';

describe('hot columns from semantic conventions', () => {
  it('derives service, version and instance from the resource', () => {
    const r = resourceColumns({
      attributes: attrs({ 'service.name': 'api', 'service.version': '1.2' }),
      droppedAttributesCount: 0,
    });
    expect([r.service, r.serviceVersion, r.instance]).toEqual(['api', '1.2', '']);
    const anon = resourceColumns({ attributes: attrs({ 'service.name': '' }), droppedAttributesCount: 0 });
    expect(anon.service).toBe('unknown_service');
    expect([...anon.attributesMap]).toEqual([1, 12, ...new TextEncoder().encode('service.name'), 0]);
  });

  it('picks the instance: service.instance.id, then host:pid, then host', () => {
    expect(instanceOf(attrs({ 'service.instance.id': 'i-1', 'host.name': 'h', 'process.pid': 1n }))).toBe(
      'i-1',
    );
    expect(instanceOf(attrs({ 'host.name': 'h', 'process.pid': 12n }))).toBe('h:12');
    expect(instanceOf(attrs({ 'host.name': 'h' }))).toBe('h');
    expect(instanceOf(attrs({ 'process.pid': 12n }))).toBe('');
  });

  it('prefers current attribute names and falls back to the old ones', () => {
    expect(httpStatusOf(attrs({ 'http.response.status_code': 404n, 'http.status_code': 200n }))).toBe(404);
    expect(httpStatusOf(attrs({ 'http.status_code': 500 }))).toBe(500);
    expect(httpStatusOf(attrs({ 'http.response.status_code': ' 201 ' }))).toBe(201);
    expect(httpStatusOf(attrs({ 'http.response.status_code': 'oops', 'http.status_code': 502n }))).toBe(502);
    expect(httpStatusOf(attrs({ 'http.status_code': 70000n }))).toBe(0);
    expect(httpStatusOf(attrs({ 'http.status_code': 1.5 }))).toBe(0);
    expect(httpStatusOf(attrs({}))).toBe(0);
    expect(dbSystemOf(attrs({ 'db.system.name': 'postgresql', 'db.system': 'mysql' }))).toBe('postgresql');
    expect(dbSystemOf(attrs({ 'db.system': 'redis' }))).toBe('redis');
    expect(httpRouteOf(attrs({ 'http.route': '/a/{id}' }))).toBe('/a/{id}');
  });

  it('names the peer: server.address[:port], then net.peer.name, then peer.service', () => {
    expect(peerOf(attrs({ 'server.address': 'db', 'server.port': 5432n, 'net.peer.name': 'x' }))).toBe(
      'db:5432',
    );
    expect(peerOf(attrs({ 'server.address': 'db' }))).toBe('db');
    expect(peerOf(attrs({ 'net.peer.name': 'cache', 'peer.service': 'redis' }))).toBe('cache');
    expect(peerOf(attrs({ 'peer.service': 'billing' }))).toBe('billing');
    expect(peerOf(attrs({}))).toBe('');
  });

  it('recognises events by the event_name field or a string event.name attribute', () => {
    expect(eventNameOf('deploy', attrs({ 'event.name': 'other' }))).toBe('deploy');
    expect(eventNameOf('', attrs({ 'event.name': 'k8s.pod.restarted' }))).toBe('k8s.pod.restarted');
    expect(eventNameOf('', attrs({ 'event.name': 1n }))).toBe('');
    expect(eventNameOf('', attrs({}))).toBe('');
  });
});
