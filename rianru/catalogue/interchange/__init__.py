"""The open catalogue: export and import a city's opportunities and spaces as schema.org JSON-LD and CSV.

- `exporter.export_jsonld(city=…)`, `exporter.export_csv(city=…, kind=…)`: text chunks to stream.
- `importer.catalogue_import(actor=…, city=…, data=…)`: validate every record, then write them all in one
  transaction (or nothing), upserting by stable identifier.
- `jsonld` builds the schema.org nodes (also embedded in the pages) and reads them back; `csv_format`
  does the same for the two CSV files; `records` holds what both readers produce.

The format is documented in docs/catalogue-format.md.
"""
