/**
 * Builds the harness's JupyterLab into lab/build: the application bundle (src/index.js), and
 * through @jupyterlab/builder the schemas and themes of every extension in package.json
 * (`jupyterlab.extensions`), which the server hands to the page.
 *
 * Production mode, minified, except plotly.js: jupyterlab-plotly imports the unminified
 * `plotly.js/dist/plotly`; it is resolved to the package's own minified file (what a Lab user's
 * prebuilt extension ships), left unparsed and not minified again, which keeps the build short.
 */
const path = require('path');
const webpack = require('webpack');
const TerserPlugin = require('terser-webpack-plugin');
const { Build } = require('@jupyterlab/builder');
const svgToDataUri = require('mini-svg-data-uri');
const pkg = require('./package.json');

const output = path.join(__dirname, 'build');
const plotlyMin = require.resolve('plotly.js/dist/plotly.min.js');

const assets = Build.ensureAssets({ packageNames: pkg.jupyterlab.extensions, output });

module.exports = [
  {
    entry: { main: path.join(__dirname, 'src', 'index.js') },
    output: { path: output, filename: 'bundle.js', chunkFilename: '[name].[contenthash].js', clean: false },
    mode: 'production',
    devtool: false,
    bail: true,
    performance: { hints: false },
    // One yjs for every importer (ESM and CommonJS alike): two copies break Lab's shared documents.
    resolve: { alias: { 'plotly.js/dist/plotly$': plotlyMin, yjs$: path.join(path.dirname(require.resolve('yjs')), 'yjs.mjs') } },
    module: {
      noParse: [plotlyMin],
      rules: [
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.html$/, type: 'asset/resource' },
        { test: /\.md$/, type: 'asset/source' },
        { test: /\.(jpg|png|gif)$/, type: 'asset/resource' },
        { test: /\.js\.map$/, type: 'asset/resource' },
        { test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: 'asset/resource' },
        // SVG: a data URI inside CSS, the raw text where JavaScript imports it.
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.css$/, type: 'asset/inline', generator: { dataUrl: (content) => svgToDataUri(content.toString()) } },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: 'asset/source' },
      ],
    },
    optimization: {
      minimizer: [new TerserPlugin({ exclude: /plotly/i, parallel: 2, extractComments: false })],
      splitChunks: { cacheGroups: { plotly: { test: /[\\/]plotly\.js[\\/]/, name: 'plotly', chunks: 'async', enforce: true } } },
    },
    plugins: [
      // Some packages call process.cwd() (the path polyfill) or read process.env.
      new webpack.DefinePlugin({ process: { cwd: () => '/', env: {} } }),
    ],
  },
].concat(assets);
