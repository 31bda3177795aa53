"""Open formats: EWP XML, Popolo JSON, schema.org JSON-LD and the open-data bundle, built from the domains' selectors."""
